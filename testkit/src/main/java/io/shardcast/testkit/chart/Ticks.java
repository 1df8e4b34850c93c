package io.shardcast.testkit.chart;

import java.util.Locale;

/**
 * An axis: its ends and its tick values, every multiple of {@code step} from {@code min} to
 * {@code max}, where the step is 1, 2 or 5 times a power of ten.
 *
 * @param min the axis's low end: from {@link #covering}, the first tick, at or below the smallest value
 * @param max the axis's high end: from {@link #covering}, the last tick, at or above the largest value
 * @param step the distance between ticks
 */
public record Ticks(double min, double max, double step) {

  /** Relative slack for values that land a rounding error beyond a tick. */
  private static final double EPSILON = 1e-9;

  /** Ticks covering [lo, hi] with about {@code target} steps (at least 1); an empty range is widened. */
  public static Ticks covering(double lo, double hi, int target) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
      lo = 0;
      hi = 1;
    }
    if (hi < lo) {
      double t = lo;
      lo = hi;
      hi = t;
    }
    if (hi == lo) {
      // One value: a range around it (from zero up when it is zero, so counts do not go negative).
      double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
      lo = lo == 0 ? 0 : lo - pad;
      hi = hi + pad;
    }
    double raw = (hi - lo) / Math.max(1, target);
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / magnitude;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    double step = nice * magnitude;
    long first = (long) Math.floor(lo / step + EPSILON);
    long last = (long) Math.ceil(hi / step - EPSILON);
    if (last == first) {
      last++;
    }
    return new Ticks(first * step, last * step, step);
  }

  public Ticks {
    if (!(max > min) || !(step > 0)) {
      throw new IllegalArgumentException("an axis needs min < max and a step > 0, got " + min + ".." + max + " by " + step);
    }
  }

  /** How many ticks lie between the ends. */
  public int count() {
    return (int) (lastIndex() - firstIndex() + 1);
  }

  /** Tick {@code i}, counted from the lowest, computed as a multiple of the step (no drift). */
  public double value(int i) {
    return (firstIndex() + i) * step;
  }

  private long firstIndex() {
    return (long) Math.ceil(min / step - EPSILON);
  }

  private long lastIndex() {
    return (long) Math.floor(max / step + EPSILON);
  }

  /** A tick value as text: the step's decimals only, thousands grouped, never "-0". */
  public String label(double v) {
    int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - EPSILON));
    if (Math.abs(v) < step * 1e-6) {
      v = 0;
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }
}
