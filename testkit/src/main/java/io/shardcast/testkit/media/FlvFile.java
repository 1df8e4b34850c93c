package io.shardcast.testkit.media;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.flv.Flv;
import io.shardcast.media.format.MediaFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the audio and video tags of an FLV file as frames, and writes frames as an FLV file. */
public final class FlvFile {

  private FlvFile() {}

  public static List<MediaFrame> read(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    if (b.remaining() < 13 || b.get(0) != 'F' || b.get(1) != 'L' || b.get(2) != 'V') {
      throw new MediaFormatException("FLV: " + file + " has no FLV header");
    }
    b.position(b.getInt(5) + 4);
    List<MediaFrame> frames = new ArrayList<>();
    while (b.remaining() >= Flv.TAG_HEADER_BYTES) {
      int type = b.get() & 0x1F;
      int size = ((b.get() & 0xFF) << 16) | ((b.get() & 0xFF) << 8) | (b.get() & 0xFF);
      long ts = ((b.get() & 0xFFL) << 16) | ((b.get() & 0xFFL) << 8) | (b.get() & 0xFFL) | ((b.get() & 0xFFL) << 24);
      b.position(b.position() + 3);
      if (b.remaining() < size + 4) {
        break;
      }
      byte[] body = new byte[size];
      b.get(body);
      b.getInt();
      if ((type == Flv.AUDIO || type == Flv.VIDEO) && size > 0) {
        frames.add(new MediaFrame(type, ts, body, 0));
      }
    }
    return frames;
  }

  public static void write(List<MediaFrame> frames, OutputStream out) throws IOException {
    out.write(Flv.FILE_HEADER);
    for (MediaFrame f : frames) {
      ByteBuffer tag = f.view(MediaFrame.FLV, 0, 1);
      tag.clear();
      byte[] bytes = new byte[tag.remaining()];
      tag.get(bytes);
      out.write(bytes);
    }
  }
}
