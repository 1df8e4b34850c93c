package io.shardcast.media.serve;

import io.shardcast.media.MediaDirectory;
import io.shardcast.media.MediaFrame;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.TrackKey;
import io.shardcast.media.flv.Flv;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A viewer on the media HTTP port: {@code GET /live/<roomId>.flv} answers with an endless FLV
 * stream (HTTP-FLV); the same path (or {@code /ws/live/<roomId>}) with a WebSocket upgrade sends
 * every FLV tag as one binary message (WebSocket-FLV, what browser players use). Query
 * parameters {@code camera} and {@code layer} pin a rendition; without them the viewer follows
 * the host's active camera at the layer its throughput holds.
 */
final class HttpFlvConnection extends MediaConnection {

  private static final int MAX_REQUEST_BYTES = 8 * 1024;
  private static final Pattern PATH = Pattern.compile("/(?:live/([A-Za-z0-9_-]{1,64})\\.flv|ws/live/([A-Za-z0-9_-]{1,64}))");
  private static final Pattern RTP_PATH = Pattern.compile("/rtp/([A-Za-z0-9_-]{1,64})");
  private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final byte[] WS_FLV_HEADER = wsFlvHeader();

  private ByteBuffer request = ByteBuffer.allocate(1024);
  private String roomId = "?";
  private boolean websocket;
  private boolean answered;

  HttpFlvConnection(MediaLoop loop, SocketChannel channel) {
    super(loop, channel);
  }

  @Override
  String describe() {
    return (websocket ? "WebSocket-FLV viewer" : "HTTP-FLV viewer") + " of room " + roomId;
  }

  @Override
  void onReadable() throws IOException {
    if (request == null) {
      // After the request only a WebSocket close (or the peer going away) matters.
      loop.scratch.clear();
      int n = channel.read(loop.scratch);
      if (n < 0) {
        close("the viewer closed the connection");
      } else if (websocket && n > 0 && (loop.scratch.get(0) & 0x0F) == 0x8) {
        close("the viewer sent a WebSocket close");
      }
      return;
    }
    if (!request.hasRemaining()) {
      if (request.capacity() >= MAX_REQUEST_BYTES) {
        error(431, "HEADERS_TOO_LARGE", "the request head exceeds " + MAX_REQUEST_BYTES + " bytes");
        return;
      }
      request = grow(request, MAX_REQUEST_BYTES);
    }
    int n = channel.read(request);
    if (n < 0) {
      close("the viewer closed the connection before its request");
      return;
    }
    String head = new String(request.array(), 0, request.position(), StandardCharsets.ISO_8859_1);
    int end = head.indexOf("\r\n\r\n");
    if (end < 0) {
      return;
    }
    request = null;
    handle(head.substring(0, end));
  }

  private void handle(String head) {
    String[] lines = head.split("\r\n");
    String[] parts = lines[0].split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      error(400, "BAD_REQUEST", "not an HTTP/1.x request line");
      return;
    }
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    String target = parts[1];
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, String> query = params(q < 0 ? "" : target.substring(q + 1));
    Matcher rtp = RTP_PATH.matcher(path);
    if (rtp.matches()) {
      roomId = rtp.group(1);
      if (!parts[0].equals("POST")) {
        error(405, "METHOD_NOT_ALLOWED", "POST /rtp/<roomId>?token=<hostToken> registers an RTP publisher");
        return;
      }
      registerRtp(query);
      return;
    }
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      error(404, "NOT_FOUND", "media paths are /live/<roomId>.flv and /ws/live/<roomId>");
      return;
    }
    if (!parts[0].equals("GET")) {
      error(405, "METHOD_NOT_ALLOWED", "only GET");
      return;
    }
    roomId = m.group(1) != null ? m.group(1) : m.group(2);
    websocket = "websocket".equalsIgnoreCase(headers.get("upgrade"));
    if (m.group(2) != null && !websocket) {
      error(400, "WEBSOCKET_REQUIRED", "/ws/live/" + roomId + " needs a WebSocket upgrade; plain HTTP-FLV is /live/"
          + roomId + ".flv");
      return;
    }
    String key = headers.get("sec-websocket-key");
    if (websocket && key == null) {
      error(400, "BAD_WEBSOCKET", "a WebSocket upgrade without Sec-WebSocket-Key");
      return;
    }
    String camera = query.get("camera");
    String layer = query.get("layer");
    if ((camera != null && !TrackKey.valid(camera)) || (layer != null && !TrackKey.valid(layer))) {
      error(400, "BAD_TRACK", "camera and layer must be 1..32 of [A-Za-z0-9_-]");
      return;
    }
    MediaRoom room = loop.server.hub.existing(roomId);
    if (room != null && room.live()) {
      start(room, camera, layer, key);
      return;
    }
    String id = roomId;
    loop.server.directory.watch(id).whenComplete((d, e) -> loop.execute(() -> {
      if (closed) {
        return;
      }
      if (e != null) {
        error(503, "UNAVAILABLE", "cannot look up room " + id + ": " + e.getMessage());
      } else if (!d.ok()) {
        error(d.verdict().httpStatus, d.verdict().name(), d.message());
      } else {
        start(loop.server.hub.room(id), camera, layer, key);
      }
    }));
  }

  /**
   * {@code POST /rtp/<roomId>?token=..[&camera=..][&layer=..][&sampleRate=48000&channels=2]}: checks
   * the token like an RTMP publish, then answers 201 with the UDP port to send RTP to (H.264 as
   * payload type 96, AAC as 97; sampleRate and channels describe the AAC, as an SDP would).
   */
  private void registerRtp(Map<String, String> query) {
    String camera = query.getOrDefault("camera", TrackKey.DEFAULT_CAMERA);
    String layer = query.getOrDefault("layer", TrackKey.DEFAULT_LAYER);
    if (!TrackKey.valid(camera) || !TrackKey.valid(layer)) {
      error(400, "BAD_TRACK", "camera and layer must be 1..32 of [A-Za-z0-9_-]");
      return;
    }
    byte[] asc = null;
    if (query.containsKey("sampleRate")) {
      try {
        asc = io.shardcast.media.rtp.AacConfig.lc(Integer.parseInt(query.get("sampleRate")),
            Integer.parseInt(query.getOrDefault("channels", "2")));
      } catch (IllegalArgumentException e) {
        error(400, "BAD_AUDIO", "sampleRate must be an AAC rate (48000, 44100, ...) and channels 1..7");
        return;
      }
    }
    TrackKey key = new TrackKey(camera, layer);
    byte[] config = asc;
    String id = roomId;
    loop.server.directory.authorizePublish(id, query.getOrDefault("token", ""), key)
        .thenCompose(d -> d.ok() ? loop.server.rtp.openIngest(id, key, config).thenApply(port -> (Object) port)
            : java.util.concurrent.CompletableFuture.completedFuture((Object) d))
        .whenComplete((r, e) -> loop.execute(() -> {
          if (closed) {
            return;
          }
          if (e != null) {
            error(503, "UNAVAILABLE", "cannot register the RTP publisher: " + e.getMessage());
          } else if (r instanceof MediaDirectory.Decision d) {
            error(d.verdict().httpStatus, d.verdict().name(), d.message());
          } else {
            answered = true;
            String body = "{\"roomId\":\"" + id + "\",\"port\":" + r + ",\"videoPayloadType\":96,\"audioPayloadType\":97}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            send(ascii("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                + "\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n"));
            send(bytes);
            closeAfterFlush("RTP publisher registered on port " + r);
          }
        }));
  }

  private void start(MediaRoom room, String camera, String layer, String wsKey) {
    answered = true;
    if (websocket) {
      send(ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: " + accept(wsKey) + "\r\n\r\n"));
      send(WS_FLV_HEADER.clone());
      play(room, camera, layer, MediaFrame.WS_FLV);
    } else {
      send(ascii("HTTP/1.1 200 OK\r\nContent-Type: video/x-flv\r\nCache-Control: no-cache\r\n"
          + "Access-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n"));
      send(Flv.FILE_HEADER.clone());
      play(room, camera, layer, MediaFrame.FLV);
    }
  }

  private void error(int status, String code, String message) {
    if (answered) {
      closeAfterFlush(message);
      return;
    }
    answered = true;
    request = null;
    websocket = false;
    String body = "{\"type\":\"error\",\"code\":\"" + code + "\",\"message\":\"" + message.replace("\"", "'") + "\"}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    send(ascii("HTTP/1.1 " + status + " " + code + "\r\nContent-Type: application/json\r\nContent-Length: "
        + bytes.length + "\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n"));
    send(bytes);
    closeAfterFlush(status + " " + code + ": " + message);
  }

  @Override
  boolean setupTimedOut(long nowMillis) {
    return !answered && super.setupTimedOut(nowMillis);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder().encodeToString(sha1.digest((key + WS_GUID).getBytes(StandardCharsets.ISO_8859_1)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] wsFlvHeader() {
    byte[] b = new byte[2 + Flv.FILE_HEADER.length];
    b[0] = (byte) 0x82;
    b[1] = (byte) Flv.FILE_HEADER.length;
    System.arraycopy(Flv.FILE_HEADER, 0, b, 2, Flv.FILE_HEADER.length);
    return b;
  }
}
