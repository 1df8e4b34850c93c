package io.shardcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a process has used so far, as Linux's {@code /proc} tells it: CPU time, resident memory, bytes written. */
final class ProcessUsage {

  /** /proc counts CPU time in USER_HZ clock ticks, 100 a second on Linux whatever the kernel's own HZ. */
  private static final long NANOS_PER_TICK = 10_000_000L;
  /** Fields of /proc/PID/stat after the command's closing parenthesis: utime and stime. */
  private static final int UTIME = 11;
  private static final int STIME = 12;

  private ProcessUsage() {}

  /** CPU time of every thread {@code pid} has run so far (user + system), in ns; -1 once it has exited. */
  static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name may hold spaces and parentheses: the fields start after its last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[UTIME]) + Long.parseLong(f[STIME])) * NANOS_PER_TICK;
    } catch (IOException gone) {
      return -1;
    }
  }

  /** Resident memory of {@code pid} (VmRSS), in bytes; 0 once it has exited. */
  static long rssBytes(long pid) {
    return statusField(pid, "VmRSS:") * 1024;
  }

  /**
   * Bytes {@code pid} has written so far through {@code write} and its kin ({@code wchar} of
   * /proc/PID/io), whatever the file: for a player writing its stream to /dev/null, the stream it
   * received. -1 once it has exited.
   */
  static long bytesWritten(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
        if (line.startsWith("wchar:")) {
          return Long.parseLong(line.substring("wchar:".length()).strip());
        }
      }
      return -1;
    } catch (IOException gone) {
      return -1;
    }
  }

  private static long statusField(long pid, String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
      return 0;
    } catch (IOException gone) {
      return 0;
    }
  }

  /** The 1, 5 and 15 minute load averages, as /proc/loadavg words them ("0.91 1.08 1.58"). */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }
}
