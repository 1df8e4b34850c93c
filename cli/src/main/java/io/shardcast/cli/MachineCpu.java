package io.shardcast.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How busy this machine's CPUs were, sampled from {@code /proc/stat} once a second: the demo says
 * what the machine was doing while a node it started took its time to serve.
 */
final class MachineCpu extends Thread {

  private static final Path PROC_STAT = Path.of("/proc/stat");
  private static final long SAMPLE_MILLIS = 1000;

  /** A second's share of all CPUs that was busy (0..1), ending at {@code atMillis}. */
  private record Sample(long atMillis, double busy) {}

  private final List<Sample> samples = new ArrayList<>();
  private volatile boolean running = true;

  MachineCpu() {
    super("demo-machine-cpu");
    setDaemon(true);
  }

  @Override
  public void run() {
    long[] last = read();
    while (running && last != null) {
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      long[] now = read();
      if (now == null) {
        return;
      }
      long total = now[0] - last[0];
      long idle = now[1] - last[1];
      if (total > 0) {
        synchronized (samples) {
          samples.add(new Sample(System.currentTimeMillis(), 1.0 - (double) idle / total));
        }
      }
      last = now;
    }
  }

  void stopSampling() {
    running = false;
    interrupt();
  }

  /** The mean busy share of the CPUs between the two instants, or -1 when no second ended in between (or not Linux). */
  double busyBetween(long fromMillis, long toMillis) {
    double sum = 0;
    int n = 0;
    synchronized (samples) {
      for (Sample s : samples) {
        if (s.atMillis() > fromMillis && s.atMillis() <= toMillis + SAMPLE_MILLIS) {
          sum += s.busy();
          n++;
        }
      }
    }
    return n == 0 ? -1 : sum / n;
  }

  /** Total and idle (idle + iowait) jiffies of all CPUs, or null where there is no {@code /proc/stat}. */
  private static long[] read() {
    try {
      for (String line : Files.readAllLines(PROC_STAT)) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          long total = 0;
          for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
            total += Long.parseLong(f[i]);
          }
          return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or an unexpected format: no samples
    }
    return null;
  }
}
