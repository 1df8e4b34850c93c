package io.shardcast.media.serve;

import io.shardcast.media.tools.Ffmpeg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real ffmpeg: publishers of a test pattern and readers that decode every frame. */
final class FfmpegHelper {

  private FfmpegHelper() {}

  static String ffmpeg() {
    return Ffmpeg.ffmpeg().orElseThrow(() -> new IllegalStateException("no ffmpeg on the PATH or the classpath"));
  }

  /** ffmpeg publishing a test pattern with a tone over RTMP, in real time, keyframe every {@code gop} frames. */
  static Process publishRtmp(String url, String size, int fps, int gop, String bitrate, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ffmpeg(), "-hide_banner", "-loglevel", "warning", "-re",
        "-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=" + fps,
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", String.valueOf(gop),
        "-b:v", bitrate, "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-f", "flv", url));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Result of decoding a stream: frames decoded and what ffmpeg said at error level. */
  record Decoded(int exitCode, int videoFrames, String errors) {}

  /** Reads {@code url} for {@code seconds}, decoding every frame; counts video frames. */
  static Decoded decode(String url, int seconds, Path dir, String name) throws Exception {
    Path err = dir.resolve(name + ".err");
    Path progress = dir.resolve(name + ".progress");
    List<String> cmd = List.of(ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-xerror",
        "-rw_timeout", "15000000", "-i", url, "-t", String.valueOf(seconds),
        "-map", "0:v", "-f", "null", "-progress", progress.toString(), "-");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(err.toFile()).start();
    if (!p.waitFor(seconds + 40L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("ffmpeg reading " + url + " did not finish");
    }
    int frames = 0;
    if (Files.exists(progress)) {
      for (String line : Files.readAllLines(progress, StandardCharsets.UTF_8)) {
        if (line.startsWith("frame=")) {
          frames = Integer.parseInt(line.substring(6).trim());
        }
      }
    }
    return new Decoded(p.exitValue(), frames, Files.readString(err));
  }
}
