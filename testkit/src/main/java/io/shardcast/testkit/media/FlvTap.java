package io.shardcast.testkit.media;

import io.shardcast.media.amf.Amf0;
import io.shardcast.media.flv.Flv;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A player's view of a live HTTP-FLV stream for tests: reads the tags as they come (on its own
 * thread) and keeps what cue tests look at, the onCuePoint script tags and, for each video frame,
 * its Shardcast SEI messages (read independently of the server's writer: NAL units with 4-byte
 * lengths, emulation prevention undone, user_data_unregistered under Shardcast's UUID).
 */
public final class FlvTap implements AutoCloseable {

  private static final String UUID_HEX = "5ca71e5a3d4b4c9e8f216d17c05ea811";
  private static final int KEEP = 4000;

  /** One tag: its kind and time, and for video its keyframe flag and SEI messages; for a cue point its object. */
  public record Tag(int kind, long ts, boolean keyframe, List<String> sei, Map<?, ?> cuePoint) {}

  private final List<Tag> tags = new ArrayList<>();
  private final InputStream in;
  private final Thread reader;
  private volatile String problem;

  private FlvTap(InputStream in) {
    this.in = in;
    this.reader = new Thread(this::read, "flv-tap");
    reader.setDaemon(true);
    reader.start();
  }

  public static FlvTap open(HttpClient client, String url) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      throw new IOException(url + " answered " + r.statusCode());
    }
    return new FlvTap(r.body());
  }

  private void read() {
    try (DataInputStream d = new DataInputStream(in)) {
      byte[] header = new byte[13];
      d.readFully(header);
      while (true) {
        int type = d.readUnsignedByte() & 0x1F;
        int size = (d.readUnsignedByte() << 16) | (d.readUnsignedByte() << 8) | d.readUnsignedByte();
        long ts = ((long) d.readUnsignedByte() << 16) | (d.readUnsignedByte() << 8) | d.readUnsignedByte()
            | ((long) d.readUnsignedByte() << 24);
        d.skipNBytes(3);
        byte[] body = new byte[size];
        d.readFully(body);
        d.skipNBytes(4);
        Tag tag = null;
        if (type == Flv.VIDEO && size > 5 && body[1] == 1) {
          tag = new Tag(type, ts, Flv.isVideoKeyframe(body), sei(body), null);
        } else if (type == Flv.SCRIPT) {
          List<Object> values = Amf0.decodeAll(ByteBuffer.wrap(body));
          if (values.size() > 1 && "onCuePoint".equals(values.get(0)) && values.get(1) instanceof Map<?, ?> m) {
            tag = new Tag(type, ts, false, List.of(), m);
          }
        }
        if (tag != null) {
          synchronized (tags) {
            tags.add(tag);
            if (tags.size() > KEEP) {
              tags.remove(0);
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      problem = String.valueOf(e);
    }
  }

  private static List<String> sei(byte[] body) {
    List<String> out = new ArrayList<>();
    int p = 5;
    while (p + 4 < body.length) {
      int len = ByteBuffer.wrap(body, p, 4).getInt();
      if (len <= 0 || p + 4 + len > body.length) {
        break;
      }
      if ((body[p + 4] & 0x1F) == 6) {
        String m = userData(unescape(body, p + 5, len - 1));
        if (m != null) {
          out.add(m);
        }
      }
      p += 4 + len;
    }
    return out;
  }

  private static byte[] unescape(byte[] b, int from, int len) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(len);
    int zeros = 0;
    for (int i = from; i < from + len; i++) {
      if (zeros >= 2 && b[i] == 3) {
        zeros = 0;
        continue;
      }
      out.write(b[i]);
      zeros = b[i] == 0 ? zeros + 1 : 0;
    }
    return out.toByteArray();
  }

  private static String userData(byte[] rbsp) {
    int p = 0;
    int type = 0;
    while (p < rbsp.length && (rbsp[p] & 0xFF) == 0xFF) {
      type += 255;
      p++;
    }
    if (p >= rbsp.length) {
      return null;
    }
    type += rbsp[p++] & 0xFF;
    int size = 0;
    while (p < rbsp.length && (rbsp[p] & 0xFF) == 0xFF) {
      size += 255;
      p++;
    }
    if (p >= rbsp.length) {
      return null;
    }
    size += rbsp[p++] & 0xFF;
    if (type != 5 || size < 16 || p + size > rbsp.length
        || !HexFormat.of().formatHex(rbsp, p, p + 16).equals(UUID_HEX)) {
      return null;
    }
    return new String(rbsp, p + 16, size - 16, StandardCharsets.UTF_8);
  }

  /** The tags read so far (video frames and cue points), in order. */
  public List<Tag> snapshot() {
    synchronized (tags) {
      return new ArrayList<>(tags);
    }
  }

  /** The newest cue point named {@code name}, or null. */
  public Tag cuePoint(String name) {
    Tag found = null;
    for (Tag t : snapshot()) {
      if (t.cuePoint() != null && name.equals(t.cuePoint().get("name"))) {
        found = t;
      }
    }
    return found;
  }

  /** The video frame at {@code ts}, or null. */
  public Tag videoAt(long ts) {
    for (Tag t : snapshot()) {
      if (t.kind() == Flv.VIDEO && t.ts() == ts) {
        return t;
      }
    }
    return null;
  }

  public List<Tag> keyframes() {
    return snapshot().stream().filter(Tag::keyframe).toList();
  }

  /** What was read, for failure messages. */
  public String summary() {
    List<Tag> all = snapshot();
    return all.size() + " tags, " + all.stream().filter(t -> t.cuePoint() != null).count() + " cue points"
        + (problem != null ? ", stopped: " + problem : "");
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException ignored) {
      // closing a stream being read
    }
    reader.interrupt();
  }
}
