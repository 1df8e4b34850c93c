package io.shardcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Pinning processes and threads to a core ({@code taskset}), and how busy a core was ({@code /proc/stat}). */
final class Cores {

  private Cores() {}

  /** Runs {@code id} (a process with every thread it has when {@code allThreads}, or one thread) on {@code cpu} only. */
  static void pin(long id, boolean allThreads, int cpu) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("taskset"));
    if (allThreads) {
      cmd.add("-a");
    }
    cmd.addAll(List.of("-p", "-c", Integer.toString(cpu), Long.toString(id)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("taskset could not pin " + id + " to core " + cpu + ": " + out.strip());
    }
  }

  /** This JVM's threads whose kernel name ({@code comm}, cut to 15 characters) is {@code name}. */
  static List<Long> threadsNamed(String name) throws IOException {
    List<Long> tids = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          if (Files.readString(t.resolve("comm")).strip().equals(name)) {
            tids.add(Long.parseLong(t.getFileName().toString()));
          }
        } catch (IOException gone) {
          // the thread ended meanwhile
        }
      }
    }
    if (tids.isEmpty()) {
      throw new IllegalStateException("no thread named " + name);
    }
    return tids;
  }

  /** {busy, total} clock ticks of {@code cpu} so far. */
  static long[] ticks(int cpu) throws IOException {
    return ticks("cpu" + cpu + " ");
  }

  /** {busy, total} clock ticks of every core together so far. */
  static long[] machineTicks() throws IOException {
    return ticks("cpu ");
  }

  private static long[] ticks(String prefix) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
      if (line.startsWith(prefix)) {
        String[] f = line.substring(prefix.length()).trim().split("\\s+");
        long total = 0;
        for (int i = 0; i < Math.min(8, f.length); i++) {
          total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[3]) + Long.parseLong(f[4]); // idle + iowait
        return new long[] {total - idle, total};
      }
    }
    throw new IllegalStateException("no " + prefix.strip() + " in /proc/stat");
  }

  /** The share of the time {@code cpu} was busy between two {@link #ticks} readings. */
  static double busy(long[] before, long[] after) {
    long total = after[1] - before[1];
    return total <= 0 ? 0 : (after[0] - before[0]) / (double) total;
  }
}
