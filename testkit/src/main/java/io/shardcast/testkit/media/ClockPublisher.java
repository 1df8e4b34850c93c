package io.shardcast.testkit.media;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A camera whose every frame shows when it was taken: the wall clock's milliseconds, written as
 * a pattern of black and white blocks that survives H.264 at modest rates, fed raw to ffmpeg
 * (libx264 zero-latency) publishing over RTMP with a tone (players sync the picture to the sound, so
 * the sound's buffering counts, as it does in a real show). A player reads the pattern back from a decoded
 * frame and compares it with its own clock on the same machine: glass to glass, the encoder
 * included.
 *
 * <p>The pattern: a {@value #COLUMNS} x {@value #ROWS} grid over the whole frame; block {@code i}
 * (row-major) is white for a 1 bit. Blocks 0..31 hold the time in ms modulo 2^32 (most significant
 * first), blocks 32..39 the sum of its four bytes modulo 256 (a frame read wrongly fails it).
 */
public final class ClockPublisher implements AutoCloseable {

  public static final int WIDTH = 640;
  public static final int HEIGHT = 360;
  public static final int COLUMNS = 8;
  public static final int ROWS = 5;

  private final Process ffmpeg;
  private final Thread writer;
  private volatile boolean running = true;

  private ClockPublisher(Process ffmpeg, int fps) {
    this.ffmpeg = ffmpeg;
    this.writer = new Thread(() -> write(fps), "clock-camera");
    writer.setDaemon(true);
    writer.start();
  }

  /** Starts publishing to {@code rtmpUrl} at {@code fps}, {@code bitrate} (ffmpeg's form: 1500k); ffmpeg's output to {@code log}. */
  public static ClockPublisher rtmp(String rtmpUrl, int fps, String bitrate, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Ffmpeg.ffmpeg().orElseThrow(() -> new IOException("no ffmpeg")),
        "-hide_banner", "-loglevel", "warning",
        "-f", "rawvideo", "-pix_fmt", "gray", "-s", WIDTH + "x" + HEIGHT, "-r", String.valueOf(fps), "-i", "-",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-map", "0:v", "-map", "1:a", "-c:a", "aac", "-b:a", "64k",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline",
        "-g", String.valueOf(fps), "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate,
        "-pix_fmt", "yuv420p", "-f", "flv", rtmpUrl));
    Process p = Ffmpeg.process(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ClockPublisher(p, fps);
  }

  /** The frame for {@code millis}: one byte of luma per pixel. */
  public static byte[] frame(long millis, byte[] into) {
    long v = millis & 0xFFFFFFFFL;
    int sum = (int) ((v >>> 24) + ((v >>> 16) & 0xFF) + ((v >>> 8) & 0xFF) + (v & 0xFF)) & 0xFF;
    int bw = WIDTH / COLUMNS;
    int bh = HEIGHT / ROWS;
    for (int i = 0; i < COLUMNS * ROWS; i++) {
      boolean one = i < 32 ? ((v >>> (31 - i)) & 1) != 0 : ((sum >>> (39 - i)) & 1) != 0;
      byte luma = (byte) (one ? 235 : 16);
      int x0 = (i % COLUMNS) * bw;
      int y0 = (i / COLUMNS) * bh;
      for (int y = y0; y < y0 + bh; y++) {
        java.util.Arrays.fill(into, y * WIDTH + x0, y * WIDTH + x0 + bw, luma);
      }
    }
    return into;
  }

  private void write(int fps) {
    byte[] frame = new byte[WIDTH * HEIGHT];
    long intervalNanos = 1_000_000_000L / fps;
    long next = System.nanoTime();
    try (OutputStream out = ffmpeg.getOutputStream()) {
      while (running && ffmpeg.isAlive()) {
        out.write(frame(System.currentTimeMillis(), frame));
        out.flush();
        next += intervalNanos;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } else {
          next = System.nanoTime(); // behind: take the next frame now, do not burst
        }
      }
    } catch (IOException | InterruptedException e) {
      // ffmpeg went away, or the publisher is closing
    }
  }

  @Override
  public void close() {
    running = false;
    writer.interrupt();
    ffmpeg.destroyForcibly();
  }
}
