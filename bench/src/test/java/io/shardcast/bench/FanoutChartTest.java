package io.shardcast.bench;

import static io.shardcast.testkit.chart.SvgDocuments.byClass;
import static io.shardcast.testkit.chart.SvgDocuments.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardcast.testkit.chart.Series;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import picocli.CommandLine;

/** {@code bench fanout --results/--chart}: runs kept as CSV lines and drawn as latency against viewers, by build. */
class FanoutChartTest {

  private static final String CSV = """
      # a comment says where these came from
      date,build,viewers,nodes,p50_ms,p90_ms,p99_ms,max_ms,note
      2026-11-22,old,1000,3,46,,88,,"from a page, with a comma"
      2026-11-22,old,10000,3,223,,453,,
      2026-12-03,new,5000,3,52,90,148,400,bench fanout --viewers 5000
      2026-12-03,new,10000,3,81,120,160,300,run 1
      2026-12-03,new,10000,3,85,121,167,310,run 2
      2026-12-03,new,10000,3,79,119,156,290,run 3

      2026-12-03,new,10000,3,80,118,158,280,"run 4, ""final""\"
      """;

  @Test
  void eachBuildIsAP99AndAP50LineThroughTheMedianOfItsRunsAtEachViewerCount(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("fanout.csv"), CSV);
    List<FanoutResult> results = FanoutResult.read(file);
    assertEquals(7, results.size());
    assertEquals("from a page, with a comma", results.get(0).note());
    assertEquals(-1, results.get(0).p90Ms(), "an empty field is a figure not recorded");
    assertEquals("run 4, \"final\"", results.get(6).note());

    List<Series> series = FanoutChart.series(results);
    assertEquals(List.of("p99, old (2026-11-22)", "p50, old (2026-11-22)", "p99, new (2026-12-03)",
        "p50, new (2026-12-03)"), series.stream().map(Series::name).toList());
    assertArrayEquals(new double[] {1000, 10000}, series.get(0).x());
    assertArrayEquals(new double[] {88, 453}, series.get(0).y());
    assertArrayEquals(new double[] {5000, 10000}, series.get(2).x());
    assertArrayEquals(new double[] {148, 159}, series.get(2).y(), "the median of 156, 158, 160, 167");
    assertArrayEquals(new double[] {52, 80.5}, series.get(3).y());
    assertTrue(series.get(3).dashed() && !series.get(2).dashed());
    assertEquals(series.get(2).colour(), series.get(3).colour(), "a build's two lines share a colour");

    Document doc = parse(FanoutChart.of(results).toSvg());
    assertEquals(4, byClass(doc, "path", "series").size());
  }

  @Test
  void aLineWrittenIsReadBackAsItWas(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sub").resolve("fanout.csv");
    FanoutResult a = new FanoutResult("2026-12-04", "abc1234-dirty", 1000, 3, 40, 60, 80, 95,
        "bench fanout --viewers 1000 --note \"a, b\"\nsecond line");
    FanoutResult b = new FanoutResult("2026-12-04", "abc1234", 5000, 3, 50, -1, 150, -1, "");
    a.appendTo(file);
    b.appendTo(file);
    List<String> lines = Files.readAllLines(file);
    assertEquals(FanoutResult.HEADER, lines.get(0), "the header once, at the top");
    assertEquals(3, lines.size(), "one line per run: a note's line break does not split it");
    List<FanoutResult> back = FanoutResult.read(file);
    assertEquals(new FanoutResult("2026-12-04", "abc1234-dirty", 1000, 3, 40, 60, 80, 95,
        "bench fanout --viewers 1000 --note \"a, b\" second line"), back.get(0));
    assertEquals(b, back.get(1));
  }

  @Test
  void aMalformedLineIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("bad.csv"), FanoutResult.HEADER + "\n2026-12-04,x,lots,3,1,,2,,\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FanoutResult.read(file));
    assertTrue(e.getMessage().startsWith("bad.csv:2:"), e.getMessage());
    Files.writeString(file, "2026-12-04,x,1000,3,1,2\n");
    assertThrows(IllegalArgumentException.class, () -> FanoutResult.read(file));
  }

  @Test
  void theCommandDrawsFromTheResultsWithoutRunningAndRefusesWhatItCannotDo(@TempDir Path dir) throws Exception {
    Path csv = Files.writeString(dir.resolve("fanout.csv"), CSV);
    Path svg = dir.resolve("img").resolve("fanout.svg");
    assertEquals(0, new CommandLine(new FanoutBench()).execute("--results", csv.toString(), "--chart", svg.toString(),
        "--chart-only"));
    Document doc = parse(Files.readString(svg));
    List<Element> paths = byClass(doc, "path", "series");
    assertEquals(4, paths.size());

    assertEquals(2, new CommandLine(new FanoutBench()).execute("--results", csv.toString(), "--chart-only"));
    assertEquals(2, new CommandLine(new FanoutBench()).execute("--chart", svg.toString(), "--chart-only"));
    assertEquals(2, new CommandLine(new FanoutBench()).execute("--chart", svg.toString()));
    assertEquals(2, new CommandLine(new FanoutBench()).execute("--results", dir.resolve("none.csv").toString(),
        "--chart", svg.toString(), "--chart-only"));
    Path bad = Files.writeString(dir.resolve("bad.csv"), "2026-12-04,x,1000\n");
    assertEquals(2, new CommandLine(new FanoutBench()).execute("--results", bad.toString(), "--chart", svg.toString(),
        "--chart-only"));
  }
}
