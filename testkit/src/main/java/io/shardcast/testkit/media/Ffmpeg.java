package io.shardcast.testkit.media;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real ffmpeg as a media client (tests and benchmarks): publishers of a test pattern and readers
 * that decode every frame. The executables come from the PATH when installed, otherwise from
 * bytedeco's ffmpeg build when it is on the classpath (the tests depend on it, so a machine
 * without ffmpeg still runs them).
 */
public final class Ffmpeg {

  private Ffmpeg() {}

  public static Optional<String> ffmpeg() {
    return find("ffmpeg", "org.bytedeco.ffmpeg.ffmpeg");
  }

  public static Optional<String> ffprobe() {
    return find("ffprobe", "org.bytedeco.ffmpeg.ffprobe");
  }

  /** The directory of bytedeco's executables and libraries, once they are the ones in use. */
  private static volatile Path bytedecoDir;

  /**
   * A process builder for an ffmpeg or ffprobe command line: with bytedeco's build, its libraries'
   * directory goes first on {@code LD_LIBRARY_PATH} (its libraries name their own dependencies by
   * soname with no runpath, so only the executables find their neighbours by themselves).
   */
  public static ProcessBuilder process(List<String> cmd) {
    ProcessBuilder b = new ProcessBuilder(cmd);
    Path dir = bytedecoDir;
    if (dir != null && cmd.get(0).startsWith(dir.toString())) {
      String old = b.environment().get("LD_LIBRARY_PATH");
      b.environment().put("LD_LIBRARY_PATH", dir + (old == null || old.isEmpty() ? "" : File.pathSeparator + old));
    }
    return b;
  }

  /**
   * Where the ffmpeg in use comes from, for a person to read: the PATH's, or the build from Maven
   * with the directory it was unpacked to; or why there is none.
   */
  public static String origin() {
    Optional<String> exe = ffmpeg();
    if (exe.isEmpty()) {
      return "no ffmpeg on the PATH or the classpath" + bytedecoProblem;
    }
    Path dir = bytedecoDir;
    return dir != null && exe.get().startsWith(dir.toString())
        ? "ffmpeg from Maven (org.bytedeco:ffmpeg), unpacked in " + dir
        : exe.get() + " (on the PATH)";
  }

  /** Why bytedeco's build could not be loaded, when it could not (e.g. a system library it links is missing). */
  private static volatile String bytedecoProblem = "";

  private static String require(Optional<String> exe, String name) {
    return exe.orElseThrow(() -> new IllegalStateException("no " + name + " on the PATH or the classpath"
        + bytedecoProblem));
  }

  private static Optional<String> find(String name, String bytedecoClass) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p.toString());
        }
      }
    }
    try {
      Class<?> loader = Class.forName("org.bytedeco.javacpp.Loader");
      Object exe = loader.getMethod("load", Class.class).invoke(null, Class.forName(bytedecoClass));
      if (exe != null && bytedecoDir == null) {
        Path dir = Path.of((String) exe).getParent();
        synchronized (Ffmpeg.class) {
          if (bytedecoDir == null) {
            linkBundledSonames(dir);
            bytedecoDir = dir;
          }
        }
      }
      return Optional.ofNullable((String) exe);
    } catch (ReflectiveOperationException | LinkageError e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (!(e instanceof ClassNotFoundException)) {
        // Its libraries link a few system ones it does not bundle (PulseAudio, ALSA, xcb clients).
        bytedecoProblem = "; bytedeco's ffmpeg build is there but does not load (" + cause.getMessage()
            + "): install ffmpeg, or the system library it names (setup/provision media installs them)";
      }
      return Optional.empty();
    }
  }

  /**
   * bytedeco's build bundles some libraries under their bare names ({@code libva.so}) while the
   * executables ask for the versioned soname ({@code libva.so.2}), which only a system copy answers:
   * on a machine without one, the executable does not start. Links each bare library under the
   * soname asked for, next to it ({@link #process} puts that directory on the library path).
   */
  private static void linkBundledSonames(Path dir) {
    for (String exe : List.of("ffmpeg", "ffprobe")) {
      Path bin = dir.resolve(exe);
      if (!Files.isExecutable(bin)) {
        continue;
      }
      try {
        ProcessBuilder lddCommand = new ProcessBuilder("ldd", bin.toString()).redirectErrorStream(true);
        lddCommand.environment().put("LD_LIBRARY_PATH", dir.toString());
        Process ldd = lddCommand.start();
        String out = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ldd.waitFor(10, TimeUnit.SECONDS);
        for (String line : out.split("\n")) {
          String l = line.trim();
          int arrow = l.indexOf(" => not found");
          if (arrow < 0) {
            continue;
          }
          String soname = l.substring(0, arrow); // e.g. libva.so.2
          int so = soname.indexOf(".so.");
          Path bare = so < 0 ? null : dir.resolve(soname.substring(0, so + 3));
          Path link = dir.resolve(soname);
          if (bare != null && Files.exists(bare) && !Files.exists(link)) {
            try {
              Files.createSymbolicLink(link, bare.getFileName());
            } catch (java.nio.file.FileAlreadyExistsException raced) {
              // another test JVM linked it first
            }
          }
        }
      } catch (IOException e) {
        // no ldd here: leave the directory as it is; a failing start says what is missing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * ffmpeg publishing a test pattern ({@code testsrc}, libx264 zero-latency, AAC tone) over RTMP in
   * real time, a keyframe every {@code gop} frames; its output goes to {@code log}.
   */
  public static Process publishRtmp(String url, String size, int fps, int gop, String bitrate, Path log)
      throws IOException {
    return publishRtmp(url, size, fps, gop, bitrate, log, List.of("-preset", "ultrafast", "-tune", "zerolatency"));
  }

  /**
   * The same as an encoder tuned for files rather than live streams: x264's {@code veryfast} preset
   * with B-frames (3), as OBS sends with its default x264 settings.
   */
  public static Process publishRtmpWithBFrames(String url, String size, int fps, int gop, String bitrate, Path log)
      throws IOException {
    return publishRtmp(url, size, fps, gop, bitrate, log, List.of("-preset", "veryfast", "-bf", "3"));
  }

  private static Process publishRtmp(String url, String size, int fps, int gop, String bitrate, Path log,
      List<String> x264) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(require(ffmpeg(), "ffmpeg"), "-hide_banner", "-nostdin",
        "-loglevel", "warning", "-re",
        "-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=" + fps,
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-c:v", "libx264"));
    cmd.addAll(x264);
    cmd.addAll(List.of("-g", String.valueOf(gop),
        "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate, "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k", "-f", "flv", url));
    return process(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * ffmpeg publishing a gray picture that turns green for the second half of every
   * {@code periodSeconds} (the host's "the link is live" moment, as a page can see it in a decoded
   * frame), with a tone, over RTMP to {@code url}: green starts on the frames at stream time
   * {@code k * periodSeconds + periodSeconds / 2}.
   */
  public static Process publishFlashing(String url, String size, int fps, int gop, int periodSeconds, Path log)
      throws IOException {
    String video = "color=c=gray:s=" + size + ":r=" + fps + ",drawbox=x=0:y=0:w=iw:h=ih:color=green:t=fill"
        + ":enable='gte(mod(t," + periodSeconds + ")," + (periodSeconds / 2.0) + ")'";
    List<String> cmd = new ArrayList<>(List.of(require(ffmpeg(), "ffmpeg"), "-hide_banner", "-nostdin",
        "-loglevel", "warning", "-re",
        "-f", "lavfi", "-i", video,
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", String.valueOf(gop),
        "-b:v", "400k", "-maxrate", "400k", "-bufsize", "400k", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k", "-f", "flv", url));
    return process(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * ffmpeg publishing the test pattern over plain RTP to {@code host:port} (registered with
   * {@code POST /rtp/<roomId>}): H.264 as payload type 96 and mono 48 kHz AAC as 97, both to the port.
   */
  public static Process publishRtp(String host, int port, String size, int fps, int gop, String bitrate, Path log)
      throws IOException {
    String url = "rtp://" + host + ":" + port + "?rtcpport=" + port + "&pkt_size=1200";
    List<String> cmd = new ArrayList<>(List.of(require(ffmpeg(), "ffmpeg"), "-hide_banner", "-nostdin",
        "-loglevel", "warning", "-re",
        "-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=" + fps,
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-map", "0:v", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", String.valueOf(gop),
        "-b:v", bitrate, "-pix_fmt", "yuv420p", "-f", "rtp", "-payload_type", "96", url,
        "-map", "1:a", "-c:a", "aac", "-ar", "48000", "-ac", "1", "-b:a", "64k", "-f", "rtp", "-payload_type", "97",
        url));
    return process(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * Encodes a clip of {@code seconds} into the FLV file {@code out}: a test pattern ({@code source},
   * e.g. {@code testsrc2=size=1280x720:rate=30}) with a tone, libx264 zero-latency (no B-frames) at
   * {@code bitrate} with a keyframe every {@code gop} frames, and AAC. Benchmarks encode once and
   * replay the clip, so the encoder's CPU is not in their figures.
   */
  public static void encodeClip(Path out, String source, int seconds, String bitrate, int gop)
      throws IOException, InterruptedException {
    Process p = process(List.of(require(ffmpeg(), "ffmpeg"), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-f", "lavfi", "-i", source, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", String.valueOf(seconds), "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
        "-g", String.valueOf(gop), "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate, "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-y", out.toString())).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("ffmpeg could not encode the clip " + out);
    }
  }

  /** What a reader decoded: ffmpeg's exit code, video frames decoded, and everything it said at error level. */
  /**
   * The streams ffprobe finds in {@code url}'s first seconds, each as {@code codec,type} (such as
   * {@code h264,video} and {@code aac,audio}), in the order the container lists them.
   */
  public static List<String> streams(String url, Path dir, String name) throws IOException, InterruptedException {
    Path out = dir.resolve(name + ".streams");
    List<String> cmd = List.of(require(ffprobe(), "ffprobe"), "-v", "error", "-rw_timeout", "15000000",
        "-analyzeduration", "3000000", "-show_entries", "stream=codec_name,codec_type", "-of", "csv=p=0", url);
    Process p = process(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(40, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("ffprobe reading " + url + " did not finish");
    }
    return Files.readAllLines(out, StandardCharsets.UTF_8).stream().map(String::trim).filter(l -> !l.isEmpty()).toList();
  }

  public record Decoded(int exitCode, int videoFrames, String errors) {
    public boolean clean() {
      return exitCode == 0 && errors.isBlank();
    }
  }

  /** Reads {@code url} for {@code seconds} of stream, decoding every video frame (any decode error fails it). */
  public static Decoded decode(String url, int seconds, Path dir, String name) throws IOException, InterruptedException {
    Path err = dir.resolve(name + ".err");
    Path progress = dir.resolve(name + ".progress");
    List<String> cmd = List.of(require(ffmpeg(), "ffmpeg"), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-xerror", "-rw_timeout", "15000000", "-i", url, "-t", String.valueOf(seconds),
        "-map", "0:v", "-f", "null", "-progress", progress.toString(), "-");
    Process p = process(cmd).redirectErrorStream(true).redirectOutput(err.toFile()).start();
    if (!p.waitFor(seconds + 40L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("ffmpeg reading " + url + " did not finish");
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

  /** Widths of the decoded video frames, in order, as ffprobe reads {@code seconds} of {@code url}. */
  public record Probed(int exitCode, List<Integer> widths, String errors) {}

  public static Probed frameWidths(String url, int seconds, Path dir, String name)
      throws IOException, InterruptedException {
    Path out = dir.resolve(name + ".csv");
    Path err = dir.resolve(name + ".err");
    List<String> cmd = List.of(require(ffprobe(), "ffprobe"), "-v", "error", "-rw_timeout", "15000000",
        "-select_streams", "v", "-show_entries", "frame=width", "-of", "csv=p=0",
        "-read_intervals", "%+" + seconds, url);
    Process p = process(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(seconds + 40L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("ffprobe reading " + url + " did not finish");
    }
    List<Integer> widths = new ArrayList<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      String w = line.replace(",", "").trim();
      if (!w.isEmpty()) {
        widths.add(Integer.parseInt(w));
      }
    }
    return new Probed(p.exitValue(), widths, Files.readString(err));
  }
}
