package io.shardcast.testkit.chart;

/**
 * One named series of a chart: its points, how they are joined, and its colour.
 *
 * <p>Points whose x or y is not finite are left out (a line is broken there). The arrays are the
 * caller's, not copied: build them, then hand them over.
 *
 * @param colour an index into the chart's palette, or -1 for the series' own position
 */
public record Series(String name, double[] x, double[] y, Shape shape, int colour, boolean dashed) {

  /** How a series' points are drawn. */
  public enum Shape {
    /** Straight segments from point to point. */
    LINE,
    /** Each value holds until the next point's x, then jumps: per-second counts. */
    STEP,
    /** A dot at each point, nothing between. */
    POINTS,
    /** Segments, and a dot at each point: few points whose positions matter. */
    LINE_AND_POINTS
  }

  public Series {
    if (name == null || x == null || y == null || shape == null) {
      throw new IllegalArgumentException("a series needs a name, x, y and a shape");
    }
    if (x.length != y.length) {
      throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length + " y");
    }
  }

  public static Series line(String name, double[] x, double[] y) {
    return new Series(name, x, y, Shape.LINE, -1, false);
  }

  public static Series step(String name, double[] x, double[] y) {
    return new Series(name, x, y, Shape.STEP, -1, false);
  }

  public static Series points(String name, double[] x, double[] y) {
    return new Series(name, x, y, Shape.POINTS, -1, false);
  }

  public static Series lineAndPoints(String name, double[] x, double[] y) {
    return new Series(name, x, y, Shape.LINE_AND_POINTS, -1, false);
  }

  /** The same series in palette colour {@code index} (series that belong together share one). */
  public Series inColour(int index) {
    return new Series(name, x, y, shape, index, dashed);
  }

  /** The same series drawn dashed. */
  public Series asDashed() {
    return new Series(name, x, y, shape, colour, true);
  }
}
