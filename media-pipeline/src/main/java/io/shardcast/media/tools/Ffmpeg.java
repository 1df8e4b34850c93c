package io.shardcast.media.tools;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the ffmpeg and ffprobe executables: from the PATH when installed, otherwise from
 * bytedeco's ffmpeg build when it is on the classpath (the tests depend on it, so a machine
 * without ffmpeg still runs them). Empty when neither is there.
 */
public final class Ffmpeg {

  private Ffmpeg() {}

  public static Optional<String> ffmpeg() {
    return find("ffmpeg", "org.bytedeco.ffmpeg.ffmpeg");
  }

  public static Optional<String> ffprobe() {
    return find("ffprobe", "org.bytedeco.ffmpeg.ffprobe");
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
      return Optional.ofNullable((String) exe);
    } catch (ReflectiveOperationException | LinkageError e) {
      return Optional.empty();
    }
  }
}
