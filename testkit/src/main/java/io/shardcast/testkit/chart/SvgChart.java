package io.shardcast.testkit.chart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line, step or point chart written as one standalone SVG file: a title, linear axes with round
 * tick values and labels with units, named series with a legend, shaded spans and labelled
 * vertical markers.
 *
 * <p>Dependency-free on purpose (no AWT, no fonts: text is left to the viewer's sans-serif), and
 * deterministic: the same chart gives the same bytes, so a committed picture changes only when its
 * figures do.
 */
public final class SvgChart {

  public static final int DEFAULT_WIDTH = 960;
  public static final int DEFAULT_HEIGHT = 480;

  /** Colours told apart with most kinds of colour blindness; black first. */
  private static final String[] PALETTE = {"#000000", "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00",
      "#56b4e9", "#7f7f7f"};
  private static final String SPAN_FILL = "#d55e00";
  private static final String GRID = "#e5e5e5";
  private static final String INK = "#333333";

  /** A white outline behind a label drawn over the data, so lines crossing it do not hide it. */
  private static final String HALO = " stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\"";
  private static final int TITLE_FONT_PX = 16;
  private static final int FONT_PX = 12;
  private static final int SMALL_FONT_PX = 11;
  /** A sans-serif character's width at {@link #FONT_PX}, on average: enough to lay out legends and margins. */
  private static final double CHAR_PX = 6.8;
  private static final int LEGEND_SWATCH_PX = 24;
  private static final int LEGEND_ROW_PX = 18;
  private static final int MARGIN_PX = 16;
  private static final double STROKE_PX = 1.6;
  private static final double DOT_RADIUS_PX = 2.5;
  /** Pixels between ticks the axes aim at. */
  private static final int X_TICK_SPACING_PX = 90;
  private static final int Y_TICK_SPACING_PX = 50;
  /** The share of the data's range left free beyond each end the data sets. */
  private static final double EDGE_ROOM = 0.03;
  /** Span labels take turns on this many rows, so neighbouring spans' labels do not overprint. */
  private static final int SPAN_LABEL_ROWS = 3;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private int width = DEFAULT_WIDTH;
  private int height = DEFAULT_HEIGHT;
  private double xMin = Double.NaN;
  private double xMax = Double.NaN;
  private double yMin = Double.NaN;
  private double yMax = Double.NaN;
  private final List<Series> series = new ArrayList<>();
  private final List<Span> spans = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();

  /** A chart; the axis labels should carry their units, e.g. "time (s)". */
  public SvgChart(String title, String xLabel, String yLabel) {
    this.title = title == null ? "" : title;
    this.xLabel = xLabel == null ? "" : xLabel;
    this.yLabel = yLabel == null ? "" : yLabel;
  }

  /** The picture's size in pixels. */
  public SvgChart size(int widthPx, int heightPx) {
    if (widthPx < 200 || heightPx < 150) {
      throw new IllegalArgumentException("a chart needs at least 200 x 150 px, got " + widthPx + " x " + heightPx);
    }
    this.width = widthPx;
    this.height = heightPx;
    return this;
  }

  /** Fixes the x axis's ends; NaN for an end taken from the data (rounded out to a tick). */
  public SvgChart xRange(double min, double max) {
    checkRange(min, max);
    this.xMin = min;
    this.xMax = max;
    return this;
  }

  /** Fixes the y axis's ends, e.g. {@code yRange(0, Double.NaN)} for counts that start at zero. */
  public SvgChart yRange(double min, double max) {
    checkRange(min, max);
    this.yMin = min;
    this.yMax = max;
    return this;
  }

  private static void checkRange(double min, double max) {
    if (Double.isFinite(min) && Double.isFinite(max) && !(max > min)) {
      throw new IllegalArgumentException("an axis range needs min < max, got " + min + ".." + max);
    }
  }

  public SvgChart add(Series s) {
    series.add(s);
    return this;
  }

  public SvgChart span(Span s) {
    spans.add(s);
    return this;
  }

  public SvgChart marker(Marker m) {
    markers.add(m);
    return this;
  }

  /** Writes the chart to {@code file}, making its directory if need be. */
  public void write(Path file) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Files.writeString(file, toSvg(), StandardCharsets.UTF_8);
  }

  /** The chart as an SVG document. */
  public String toSvg() {
    Ticks xt = ticks(true);
    Ticks yt = ticks(false);

    // Layout: the legend's rows under the title, tick labels left of and under the plot.
    int plotLeftGuess = MARGIN_PX + 20 + yLabelWidth(yt);
    List<int[]> legend = legendLayout(width - plotLeftGuess - MARGIN_PX);
    int legendRows = legend.isEmpty() ? 0 : legend.get(legend.size() - 1)[1] + 1;
    double left = plotLeftGuess;
    // The last x tick's label is centred on the plot's right edge: room for its right half.
    String lastX = xt.count() > 0 ? xt.label(xt.value(xt.count() - 1)) : "";
    double right = width - Math.max(MARGIN_PX, Math.ceil(lastX.length() * CHAR_PX / 2) + 4);
    double top = MARGIN_PX + TITLE_FONT_PX + 8 + legendRows * LEGEND_ROW_PX + 6;
    double bottom = height - (MARGIN_PX + 2 * FONT_PX + 14);
    if (bottom - top < 40) {
      top = bottom - 40; // a tiny picture with a long legend: the legend overlaps, the plot stays
    }
    Plot p = new Plot(left, right, top, bottom, xt, yt);

    StringBuilder svg = new StringBuilder(4096);
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
        .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" font-family=\"sans-serif\" font-size=\"").append(FONT_PX).append("\">\n");
    svg.append("<title>").append(xml(title)).append("</title>\n");
    svg.append("<rect width=\"").append(width).append("\" height=\"").append(height).append("\" fill=\"#ffffff\"/>\n");
    svg.append("<defs><clipPath id=\"plot-area\"><rect x=\"").append(px(p.left)).append("\" y=\"").append(px(p.top))
        .append("\" width=\"").append(px(p.right - p.left)).append("\" height=\"").append(px(p.bottom - p.top))
        .append("\"/></clipPath></defs>\n");
    svg.append("<text class=\"title\" x=\"").append(px(p.left)).append("\" y=\"").append(MARGIN_PX + TITLE_FONT_PX - 2)
        .append("\" font-size=\"").append(TITLE_FONT_PX).append("\" font-weight=\"bold\" fill=\"").append(INK)
        .append("\">").append(xml(title)).append("</text>\n");
    drawLegend(svg, legend, p.left, MARGIN_PX + TITLE_FONT_PX + 8);
    drawSpans(svg, p);
    drawGridAndAxes(svg, p);
    svg.append("<g class=\"data\" clip-path=\"url(#plot-area)\" fill=\"none\" stroke-width=\"").append(px(STROKE_PX))
        .append("\" stroke-linejoin=\"round\">\n");
    for (int i = 0; i < series.size(); i++) {
      drawSeries(svg, series.get(i), colour(i), p);
    }
    svg.append("</g>\n");
    drawMarkers(svg, p);
    svg.append("</svg>\n");
    return svg.toString();
  }

  // ---- layout -----------------------------------------------------------------------------------

  /** The plot's corners in pixels and its axes. */
  private record Plot(double left, double right, double top, double bottom, Ticks x, Ticks y) {
    double sx(double v) {
      return clamp(left + (v - x.min()) / (x.max() - x.min()) * (right - left));
    }

    double sy(double v) {
      return clamp(bottom - (v - y.min()) / (y.max() - y.min()) * (bottom - top));
    }

    /** Far-off values stay far off without becoming numbers no viewer can draw. */
    private static double clamp(double v) {
      return Math.max(-1e6, Math.min(1e6, v));
    }
  }

  private Ticks ticks(boolean isX) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      double[] a = isX ? s.x() : s.y();
      double[] other = isX ? s.y() : s.x();
      for (int i = 0; i < a.length; i++) {
        if (Double.isFinite(a[i]) && Double.isFinite(other[i])) {
          lo = Math.min(lo, a[i]);
          hi = Math.max(hi, a[i]);
        }
      }
    }
    if (isX) {
      // Spans and markers are part of the story: the x axis shows them too.
      for (Span s : spans) {
        lo = finiteMin(lo, Math.min(s.from(), s.to()));
        hi = finiteMax(hi, Math.max(s.from(), s.to()));
      }
      for (Marker m : markers) {
        lo = finiteMin(lo, m.at());
        hi = finiteMax(hi, m.at());
      }
    }
    double fixedMin = isX ? xMin : yMin;
    double fixedMax = isX ? xMax : yMax;
    if (hi > lo) {
      // Room at the ends the data sets, so a dot on the extreme is not drawn on the axis or the border.
      // Never across zero: counts and times that start at zero keep their axis there.
      double pad = (hi - lo) * EDGE_ROOM;
      if (!Double.isFinite(fixedMin)) {
        lo = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
      }
      if (!Double.isFinite(fixedMax)) {
        hi = hi <= 0 ? Math.min(0, hi + pad) : hi + pad;
      }
    }
    if (Double.isFinite(fixedMin)) {
      lo = fixedMin;
      hi = Math.max(hi, fixedMin);
    }
    if (Double.isFinite(fixedMax)) {
      hi = fixedMax;
      lo = Math.min(lo, fixedMax);
    }
    if (lo == Double.POSITIVE_INFINITY) {
      lo = 0;
      hi = 1;
    }
    int length = isX ? width - 2 * MARGIN_PX - 60 : height - 2 * MARGIN_PX - 80;
    int target = Math.max(2, Math.min(10, length / (isX ? X_TICK_SPACING_PX : Y_TICK_SPACING_PX)));
    Ticks t = Ticks.covering(lo, hi, target);
    // A fixed end is the axis's end exactly, not the tick beyond it.
    return new Ticks(Double.isFinite(fixedMin) ? fixedMin : t.min(), Double.isFinite(fixedMax) ? fixedMax : t.max(),
        t.step());
  }

  private static double finiteMin(double a, double b) {
    return Double.isFinite(b) ? Math.min(a, b) : a;
  }

  private static double finiteMax(double a, double b) {
    return Double.isFinite(b) ? Math.max(a, b) : a;
  }

  private static int yLabelWidth(Ticks yt) {
    int chars = 1;
    for (int i = 0; i < yt.count(); i++) {
      chars = Math.max(chars, yt.label(yt.value(i)).length());
    }
    return (int) Math.ceil(chars * CHAR_PX) + 8;
  }

  /** Each series' legend entry as {x offset, row}, wrapping at {@code widthPx}. */
  private List<int[]> legendLayout(double widthPx) {
    List<int[]> out = new ArrayList<>();
    int x = 0;
    int row = 0;
    for (Series s : series) {
      int w = LEGEND_SWATCH_PX + 6 + (int) Math.ceil(s.name().length() * CHAR_PX) + 18;
      if (x > 0 && x + w > widthPx) {
        x = 0;
        row++;
      }
      out.add(new int[] {x, row});
      x += w;
    }
    return out;
  }

  private String colour(int i) {
    int c = series.get(i).colour() >= 0 ? series.get(i).colour() : i;
    return PALETTE[c % PALETTE.length];
  }

  // ---- drawing ----------------------------------------------------------------------------------

  private void drawLegend(StringBuilder svg, List<int[]> layout, double left, double top) {
    if (series.isEmpty()) {
      return;
    }
    svg.append("<g class=\"legend\">\n");
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      double x = left + layout.get(i)[0];
      double y = top + layout.get(i)[1] * LEGEND_ROW_PX + LEGEND_ROW_PX / 2.0;
      String c = colour(i);
      if (s.shape() != Series.Shape.POINTS) {
        svg.append("<line x1=\"").append(px(x)).append("\" y1=\"").append(px(y)).append("\" x2=\"")
            .append(px(x + LEGEND_SWATCH_PX)).append("\" y2=\"").append(px(y)).append("\" stroke=\"").append(c)
            .append("\" stroke-width=\"").append(px(STROKE_PX + 0.4)).append('"').append(dash(s)).append("/>\n");
      }
      if (s.shape() == Series.Shape.POINTS || s.shape() == Series.Shape.LINE_AND_POINTS) {
        svg.append("<circle cx=\"").append(px(x + LEGEND_SWATCH_PX / 2.0)).append("\" cy=\"").append(px(y))
            .append("\" r=\"").append(px(DOT_RADIUS_PX + 0.5)).append("\" fill=\"").append(c).append("\"/>\n");
      }
      svg.append("<text x=\"").append(px(x + LEGEND_SWATCH_PX + 6)).append("\" y=\"").append(px(y + 4))
          .append("\" fill=\"").append(INK).append("\">").append(xml(s.name())).append("</text>\n");
    }
    svg.append("</g>\n");
  }

  private void drawSpans(StringBuilder svg, Plot p) {
    if (spans.isEmpty()) {
      return;
    }
    svg.append("<g class=\"spans\">\n");
    for (int i = 0; i < spans.size(); i++) {
      Span s = spans.get(i);
      if (!Double.isFinite(s.from()) || !Double.isFinite(s.to())) {
        continue;
      }
      double a = Math.max(p.left, p.sx(Math.min(s.from(), s.to())));
      double b = Math.min(p.right, p.sx(Math.max(s.from(), s.to())));
      // A span shorter than a pixel still shows.
      double w = Math.max(1, b - a);
      svg.append("<rect class=\"span\" x=\"").append(px(a)).append("\" y=\"").append(px(p.top)).append("\" width=\"")
          .append(px(w)).append("\" height=\"").append(px(p.bottom - p.top)).append("\" fill=\"").append(SPAN_FILL)
          .append("\" fill-opacity=\"0.13\"/>\n");
      if (s.label() != null && !s.label().isEmpty()) {
        double y = p.top + SMALL_FONT_PX + 2 + (i % SPAN_LABEL_ROWS) * (SMALL_FONT_PX + 2);
        svg.append("<text x=\"").append(px(a + 3)).append("\" y=\"").append(px(y)).append("\" font-size=\"")
            .append(SMALL_FONT_PX).append("\" fill=\"").append(SPAN_FILL).append('"').append(HALO).append('>')
            .append(xml(s.label()))
            .append("</text>\n");
      }
    }
    svg.append("</g>\n");
  }

  private void drawGridAndAxes(StringBuilder svg, Plot p) {
    svg.append("<g class=\"grid\" stroke=\"").append(GRID).append("\" stroke-width=\"1\">\n");
    for (int i = 0; i < p.x.count(); i++) {
      double x = p.sx(p.x.value(i));
      svg.append("<line x1=\"").append(px(x)).append("\" y1=\"").append(px(p.top)).append("\" x2=\"").append(px(x))
          .append("\" y2=\"").append(px(p.bottom)).append("\"/>\n");
    }
    for (int i = 0; i < p.y.count(); i++) {
      double y = p.sy(p.y.value(i));
      svg.append("<line x1=\"").append(px(p.left)).append("\" y1=\"").append(px(y)).append("\" x2=\"")
          .append(px(p.right)).append("\" y2=\"").append(px(y)).append("\"/>\n");
    }
    svg.append("</g>\n");
    svg.append("<g class=\"axes\" fill=\"").append(INK).append("\">\n");
    svg.append("<path d=\"M").append(px(p.left)).append(' ').append(px(p.top)).append("V").append(px(p.bottom))
        .append("H").append(px(p.right)).append("\" fill=\"none\" stroke=\"").append(INK).append("\"/>\n");
    for (int i = 0; i < p.x.count(); i++) {
      double v = p.x.value(i);
      svg.append("<text class=\"x-tick\" x=\"").append(px(p.sx(v))).append("\" y=\"").append(px(p.bottom + FONT_PX + 4))
          .append("\" text-anchor=\"middle\">").append(xml(p.x.label(v))).append("</text>\n");
    }
    for (int i = 0; i < p.y.count(); i++) {
      double v = p.y.value(i);
      svg.append("<text class=\"y-tick\" x=\"").append(px(p.left - 6)).append("\" y=\"").append(px(p.sy(v) + 4))
          .append("\" text-anchor=\"end\">").append(xml(p.y.label(v))).append("</text>\n");
    }
    svg.append("<text class=\"x-label\" x=\"").append(px((p.left + p.right) / 2)).append("\" y=\"")
        .append(px(p.bottom + 2 * FONT_PX + 12)).append("\" text-anchor=\"middle\">").append(xml(xLabel))
        .append("</text>\n");
    double yMid = (p.top + p.bottom) / 2;
    svg.append("<text class=\"y-label\" x=\"").append(MARGIN_PX).append("\" y=\"").append(px(yMid))
        .append("\" text-anchor=\"middle\" transform=\"rotate(-90 ").append(MARGIN_PX).append(' ').append(px(yMid))
        .append(")\">").append(xml(yLabel)).append("</text>\n");
    svg.append("</g>\n");
  }

  private void drawSeries(StringBuilder svg, Series s, String colour, Plot p) {
    StringBuilder d = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    boolean pen = false;
    double lastY = 0;
    // A step's flat stretch is drawn once, to where its value changes (a day of seconds stays small).
    String flatTo = null;
    for (int i = 0; i < s.x().length; i++) {
      double xv = s.x()[i];
      double yv = s.y()[i];
      if (!Double.isFinite(xv) || !Double.isFinite(yv)) {
        if (flatTo != null) {
          d.append('H').append(flatTo);
          flatTo = null;
        }
        pen = false; // a gap in the data is a gap in the line
        continue;
      }
      double x = p.sx(xv);
      double y = p.sy(yv);
      if (s.shape() != Series.Shape.LINE && s.shape() != Series.Shape.STEP) {
        // A filled circle drawn as two arcs: one path element however many points.
        dots.append('M').append(px(x - DOT_RADIUS_PX)).append(' ').append(px(y)).append('a').append(px(DOT_RADIUS_PX))
            .append(' ').append(px(DOT_RADIUS_PX)).append(" 0 1 0 ").append(px(2 * DOT_RADIUS_PX)).append(" 0a")
            .append(px(DOT_RADIUS_PX)).append(' ').append(px(DOT_RADIUS_PX)).append(" 0 1 0 ")
            .append(px(-2 * DOT_RADIUS_PX)).append(" 0");
      }
      if (s.shape() == Series.Shape.POINTS) {
        continue;
      }
      if (!pen) {
        d.append('M').append(px(x)).append(' ').append(px(y));
        pen = true;
      } else if (s.shape() == Series.Shape.STEP) {
        if (px(y).equals(px(lastY))) {
          flatTo = px(x);
          continue;
        }
        d.append('H').append(px(x)).append('V').append(px(y));
        flatTo = null;
      } else {
        d.append('L').append(px(x)).append(' ').append(px(y));
      }
      lastY = y;
    }
    if (flatTo != null) {
      d.append('H').append(flatTo);
    }
    if (s.shape() == Series.Shape.POINTS) {
      svg.append("<path class=\"series\" d=\"").append(dots).append("\" fill=\"").append(colour)
          .append("\" stroke=\"none\"><title>").append(xml(s.name())).append("</title></path>\n");
      return;
    }
    svg.append("<path class=\"series\" d=\"").append(d).append("\" stroke=\"").append(colour).append('"')
        .append(dash(s)).append("><title>").append(xml(s.name())).append("</title></path>\n");
    if (s.shape() == Series.Shape.LINE_AND_POINTS) {
      svg.append("<path class=\"points\" d=\"").append(dots).append("\" fill=\"").append(colour)
          .append("\" stroke=\"none\"/>\n");
    }
  }

  private void drawMarkers(StringBuilder svg, Plot p) {
    if (markers.isEmpty()) {
      return;
    }
    svg.append("<g class=\"markers\">\n");
    for (Marker m : markers) {
      if (!Double.isFinite(m.at())) {
        continue;
      }
      double x = p.sx(m.at());
      svg.append("<line x1=\"").append(px(x)).append("\" y1=\"").append(px(p.top)).append("\" x2=\"").append(px(x))
          .append("\" y2=\"").append(px(p.bottom)).append("\" stroke=\"").append(INK)
          .append("\" stroke-width=\"1\" stroke-dasharray=\"2 3\"/>\n");
      if (m.label() != null && !m.label().isEmpty()) {
        // Along the line, reading upwards, from its top down: many markers' labels do not collide.
        double ty = p.top + 4;
        double tx = x - 3;
        svg.append("<text x=\"").append(px(tx)).append("\" y=\"").append(px(ty)).append("\" font-size=\"")
            .append(SMALL_FONT_PX).append("\" fill=\"").append(INK).append('"').append(HALO)
            .append(" text-anchor=\"end\" transform=\"rotate(-90 ")
            .append(px(tx)).append(' ').append(px(ty)).append(")\">").append(xml(m.label())).append("</text>\n");
      }
    }
    svg.append("</g>\n");
  }

  private static String dash(Series s) {
    return s.dashed() ? " stroke-dasharray=\"6 4\"" : "";
  }

  // ---- text -------------------------------------------------------------------------------------

  /** A pixel coordinate with one decimal, the same on every machine (never "-0.0"). */
  static String px(double v) {
    double r = Math.round(v * 10) / 10.0;
    if (r == 0) {
      r = 0; // turns -0.0 into 0.0
    }
    return String.format(Locale.ROOT, "%.1f", r);
  }

  /**
   * Text for an XML attribute or element: markup characters escaped; characters XML 1.0 cannot
   * carry at all (control characters, unpaired surrogates) become "?".
   */
  public static String xml(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || Character.isSurrogate(c)
              || c == 0xfffe || c == 0xffff) {
            out.append('?');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
