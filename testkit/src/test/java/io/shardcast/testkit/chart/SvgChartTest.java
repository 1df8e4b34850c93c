package io.shardcast.testkit.chart;

import static io.shardcast.testkit.chart.SvgDocuments.byClass;
import static io.shardcast.testkit.chart.SvgDocuments.parse;
import static io.shardcast.testkit.chart.SvgDocuments.tickValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The chart writer makes well-formed, deterministic SVG with round ticks covering the data, whatever the input. */
class SvgChartTest {

  private static SvgChart sample(String title) {
    double[] t = {0, 1, 2, 3, 4, 5};
    return new SvgChart(title, "time (s)", "nodes")
        .add(Series.step("demand", t, new double[] {1, 1, 3, 7, 7, 2}))
        .add(Series.line("serving", t, new double[] {2, 2, 2, 5, 8, 8}).asDashed())
        .add(Series.points("failed probes", new double[] {2.5}, new double[] {6}))
        .span(new Span(1.5, 3.2, "kill node-2"))
        .marker(new Marker(3, "sale reveals"));
  }




  @Test
  void wellFormedSvgWithOnePathAndOneLegendEntryPerSeries() throws Exception {
    Document doc = parse(sample("Demand and capacity").toSvg());
    assertEquals("svg", doc.getDocumentElement().getLocalName());
    List<Element> paths = byClass(doc, "path", "series");
    assertEquals(3, paths.size());
    assertEquals("demand", paths.get(0).getTextContent());
    assertEquals("serving", paths.get(1).getTextContent());
    assertEquals("6 4", paths.get(1).getAttribute("stroke-dasharray"));
    assertTrue(paths.get(2).getAttribute("d").contains("a"), "points are drawn as dots");
    assertEquals(1, byClass(doc, "rect", "span").size());
    String legend = byClass(doc, "g", "legend").get(0).getTextContent();
    assertTrue(legend.contains("demand") && legend.contains("serving") && legend.contains("failed probes"));
    assertTrue(byClass(doc, "g", "markers").get(0).getTextContent().contains("sale reveals"));
    assertEquals("time (s)", byClass(doc, "text", "x-label").get(0).getTextContent());
    assertEquals("nodes", byClass(doc, "text", "y-label").get(0).getTextContent());
  }

  @Test
  void ticksAreRoundNumbersCoveringTheData() throws Exception {
    double[][] ranges = {{0, 1234}, {0.003, 0.0071}, {-17, 42}, {5, 5}, {0, 0}, {1_000_000, 1_000_200}, {0.1, 0.3},
        {2, 19_000}};
    for (double[] r : ranges) {
      for (int target = 2; target <= 10; target++) {
        Ticks t = Ticks.covering(r[0], r[1], target);
        assertTrue(t.min() <= r[0] + Math.abs(r[0]) * 1e-9 && t.max() >= r[1] - Math.abs(r[1]) * 1e-9,
            t + " covers " + r[0] + ".." + r[1]);
        double mantissa = t.step() / Math.pow(10, Math.floor(Math.log10(t.step())));
        assertTrue(Math.abs(mantissa - 1) < 1e-9 || Math.abs(mantissa - 2) < 1e-9 || Math.abs(mantissa - 5) < 1e-9,
            "step " + t.step() + " is 1, 2 or 5 times a power of ten");
        assertTrue(t.count() >= 2 && t.count() <= 2 * target + 2, t + " has about " + target + " steps");
        for (int i = 0; i < t.count(); i++) {
          double k = t.value(i) / t.step();
          assertEquals(Math.rint(k), k, 1e-6, "tick " + t.value(i) + " is a multiple of " + t.step());
        }
      }
    }
    assertEquals("0.005", Ticks.covering(0.003, 0.0071, 4).label(0.005));
    assertEquals("10,000", Ticks.covering(0, 19_000, 4).label(10_000));
    assertEquals("0", Ticks.covering(-10, 10, 4).label(-1e-17));
    assertEquals("0.0", Ticks.covering(-1, 1, 4).label(-1e-17));

    Document doc = parse(new SvgChart("t", "x", "y")
        .add(Series.line("a", new double[] {3, 997}, new double[] {17, 1234})).toSvg());
    List<Double> ys = tickValues(doc, "y-tick");
    List<Double> xs = tickValues(doc, "x-tick");
    assertTrue(ys.get(0) <= 17 && ys.get(ys.size() - 1) >= 1234, "y ticks " + ys);
    assertTrue(xs.get(0) <= 3 && xs.get(xs.size() - 1) >= 997, "x ticks " + xs);
  }

  @Test
  void aFixedEndIsTheAxisEnd() throws Exception {
    Document doc = parse(new SvgChart("t", "x", "y").yRange(0, Double.NaN)
        .add(Series.line("a", new double[] {0, 1}, new double[] {50, 73})).toSvg());
    List<Double> ys = tickValues(doc, "y-tick");
    assertEquals(0.0, ys.get(0));
    assertTrue(ys.get(ys.size() - 1) >= 73);
    assertThrows(IllegalArgumentException.class, () -> new SvgChart("t", "x", "y").yRange(5, 5));
  }

  @Test
  void userTextIsEscaped() throws Exception {
    String nasty = "<script>alert('x')</script> & \"quotes\" \u0001 \ud800 caf\u00e9 \ud83d\ude00";
    String svg = new SvgChart(nasty, "x <ms>", "y & z")
        .add(Series.line(nasty, new double[] {0, 1}, new double[] {0, 1}))
        .span(new Span(0, 0.5, nasty))
        .marker(new Marker(0.7, nasty)).toSvg();
    assertFalse(svg.contains("<script>"));
    Document doc = parse(svg);
    String shown = "<script>alert('x')</script> & \"quotes\" ? ? caf\u00e9 \ud83d\ude00";
    assertEquals(shown, byClass(doc, "text", "title").get(0).getTextContent());
    assertEquals(shown, byClass(doc, "path", "series").get(0).getTextContent());
    assertEquals("x <ms>", byClass(doc, "text", "x-label").get(0).getTextContent());
  }

  @Test
  void theSameChartGivesTheSameBytesInAnyLocale(@TempDir Path dir) throws Exception {
    Locale before = Locale.getDefault();
    String first = sample("same").toSvg();
    sample("same").write(dir.resolve("a.svg"));
    try {
      Locale.setDefault(Locale.GERMANY); // a decimal comma would break coordinates
      sample("same").write(dir.resolve("b.svg"));
      assertEquals(first, sample("same").toSvg());
    } finally {
      Locale.setDefault(before);
    }
    assertArrayEquals(Files.readAllBytes(dir.resolve("a.svg")), Files.readAllBytes(dir.resolve("b.svg")));
    assertEquals(first, Files.readString(dir.resolve("a.svg")));
    assertFalse(first.contains("-0.0"), "no negative zero");
  }

  @Test
  void emptyAndOnePointSeriesAndNoSeriesStillDraw() throws Exception {
    Document empty = parse(new SvgChart("nothing yet", "x", "y").toSvg());
    assertEquals(0, byClass(empty, "path", "series").size());
    assertFalse(tickValues(empty, "y-tick").isEmpty());

    Document doc = parse(new SvgChart("few", "viewers", "ms")
        .add(Series.line("none", new double[0], new double[0]))
        .add(Series.lineAndPoints("one", new double[] {1000}, new double[] {88}))
        .add(Series.step("one step", new double[] {1000}, new double[] {40}))
        .toSvg());
    List<Element> paths = byClass(doc, "path", "series");
    assertEquals(3, paths.size());
    assertEquals("", paths.get(0).getAttribute("d"));
    assertEquals(1, byClass(doc, "path", "points").size(), "the lone point is shown as a dot");
    List<Double> ys = tickValues(doc, "y-tick");
    assertTrue(ys.get(0) <= 40 && ys.get(ys.size() - 1) >= 88);
    assertThrows(IllegalArgumentException.class, () -> Series.line("bad", new double[1], new double[2]));
    // The smallest picture, with fixed ends no round tick falls between: still a chart.
    parse(new SvgChart("tiny", "x", "y").size(200, 150).xRange(0.01, 0.43)
        .add(Series.line("a", new double[] {0.1, 0.2}, new double[] {1, 2})).toSvg());
  }

  @Test
  void aStepHoldsItsValueUntilTheNextChangeThenJumps() throws Exception {
    Document doc = parse(new SvgChart("steps", "x", "y").xRange(0, 4).yRange(0, 4)
        .add(Series.step("a", new double[] {0, 1, 2, 3, 4}, new double[] {1, 1, 1, 3, 3})).toSvg());
    String d = byClass(doc, "path", "series").get(0).getAttribute("d");
    // Flat from 0 to 3, up to 3, flat to 4: one jump and two flat stretches, not a segment a second.
    assertTrue(d.matches("M[0-9.]+ [0-9.]+H[0-9.]+V[0-9.]+H[0-9.]+"), d);
  }

  @Test
  void aValueThatIsNotANumberBreaksTheLine() throws Exception {
    Document doc = parse(new SvgChart("gap", "x", "y")
        .add(Series.line("a", new double[] {0, 1, 2, 3, 4}, new double[] {1, 2, Double.NaN, 2, 1}))
        .add(Series.line("b", new double[] {0, 1}, new double[] {Double.POSITIVE_INFINITY, 3})).toSvg());
    String d = byClass(doc, "path", "series").get(0).getAttribute("d");
    assertEquals(2, d.chars().filter(c -> c == 'M').count(), d);
  }
}
