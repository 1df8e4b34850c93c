package io.shardcast.chaos;

import io.shardcast.chaos.history.History;
import static io.shardcast.testkit.chart.SvgDocuments.byClass;
import static io.shardcast.testkit.chart.SvgDocuments.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.testkit.chart.Span;
import io.shardcast.testkit.chart.SvgDocuments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** A chaos run's report comes with a picture of its probes, drawn from the recorded history, faults shaded. */
class AvailabilityChartTest {

  private static final long T0 = 1_700_000_000_000L;

  private final List<JsonNode> h = new ArrayList<>();

  private void probe(long startMs, long ms, boolean ok) {
    var r = History.record("op", T0 + startMs + ms).put("op", "probe").put("phase", ok ? "ok" : "fail")
        .put("start", T0 + startMs).put("ms", ms).put("gateway", "127.0.0.1:1");
    if (!ok) {
      r.put("why", "ConnectException");
    }
    h.add(r);
  }

  private void at(long ms, String k, String... kv) {
    var r = History.record(k, T0 + ms);
    for (int i = 0; i < kv.length; i += 2) {
      r.put(kv[i], kv[i + 1]);
    }
    h.add(r);
  }

  /**
   * 30 s probed every 100 ms: node-2 killed at 10 s (refused until 13 s, then answers slower than a
   * second until 14 s) and back at 20 s; node-1 paused from 22 s to 25 s, costing nothing.
   */
  private void recordRun() {
    at(0, "meta", "scenario", "kill & <pause>");
    for (long s = 0; s < 30_000; s += 100) {
      if (s == 10_000) {
        at(s, "fault", "phase", "start", "name", "kill", "class", "hard-kill", "target", "node-2");
        at(s, "capacity", "phase", "lost", "node", "node-2");
      }
      if (s == 20_000) {
        at(s, "capacity", "phase", "back", "node", "node-2");
      }
      if (s == 22_000) {
        at(s, "fault", "phase", "start", "name", "pause", "class", "pause", "target", "node-1");
      }
      if (s == 25_000) {
        at(s, "fault", "phase", "end", "name", "pause", "class", "pause", "target", "node-1");
      }
      if (s >= 10_000 && s < 13_000) {
        probe(s, s % 1000 == 0 ? 2000 : 3, false);
      } else if (s >= 13_000 && s < 14_000) {
        probe(s, 1200, true);
      } else {
        probe(s, 4, true);
      }
    }
    h.sort((a, b) -> Long.compare(a.path("t").asLong(), b.path("t").asLong()));
  }

  @Test
  void theProbesAreDrawnOverTheRunWithEachFaultsWindowShaded() throws Exception {
    recordRun();
    List<Span> windows = AvailabilityChart.faultWindows(h, T0);
    assertEquals(List.of(new Span(10, 20, "kill node-2"), new Span(22, 25, "pause node-1")), windows,
        "a kill lasts until its node serves again, a pause until it ends");

    Document doc = parse(AvailabilityChart.of(h, "kill & <pause>", T0).toSvg());
    assertTrue(byClass(doc, "text", "title").get(0).getTextContent().contains("kill & <pause>"));
    List<Element> series = byClass(doc, "path", "series");
    assertEquals(3, series.size(), "answered, failed, the stall threshold");
    String answered = series.get(0).getAttribute("d");
    assertEquals(2, answered.chars().filter(c -> c == 'M').count(),
        "the answers' line breaks where the probes failed, so the outage does not read as a quiet stretch: " + answered);
    long dots = series.get(1).getAttribute("d").chars().filter(c -> c == 'M').count();
    assertEquals(30, dots, "each failed probe is a dot");
    assertEquals(2, byClass(doc, "rect", "span").size());
    String spans = byClass(doc, "g", "spans").get(0).getTextContent();
    assertTrue(spans.contains("kill node-2") && spans.contains("pause node-1"), spans);
  }

  @Test
  void theReportWritesThePictureNextToItselfAndLinksIt(@TempDir Path dir) throws Exception {
    recordRun();
    Report.of(h).write(dir);
    byte[] first = Files.readAllBytes(dir.resolve(Report.AVAILABILITY_CHART));
    parse(new String(first, java.nio.charset.StandardCharsets.UTF_8));
    assertTrue(Files.readString(dir.resolve("report.md")).contains("](" + Report.AVAILABILITY_CHART + ")"));
    Report.of(h).write(dir);
    assertEquals(new String(first, java.nio.charset.StandardCharsets.UTF_8),
        Files.readString(dir.resolve(Report.AVAILABILITY_CHART)), "checking a history again draws the same picture");
  }

  @Test
  void aLongRunShowsTheSlowestProbeOfEachStretch() throws Exception {
    at(0, "meta", "scenario", "soak");
    for (long s = 0; s < 2_000_000; s += 100) {
      probe(s, s == 1_000_000 ? 900 : 4, true);
    }
    Document doc = parse(AvailabilityChart.of(h, "soak", T0).toSvg());
    Element answered = byClass(doc, "path", "series").get(0);
    assertTrue(answered.getTextContent().startsWith("answered (the slowest of each"), answered.getTextContent());
    long points = answered.getAttribute("d").chars().filter(c -> c == 'L').count() + 1;
    assertTrue(points <= AvailabilityChart.MAX_PROBES_DRAWN, points + " points");
    List<Double> ys = SvgDocuments.tickValues(doc, "y-tick");
    assertTrue(ys.get(ys.size() - 1) >= 900, "the one slow probe is kept: y axis to " + ys);
  }

  @Test
  void aHistoryWithoutProbesOrFaultsStillDraws() throws Exception {
    at(0, "meta", "scenario", "empty");
    Document doc = parse(AvailabilityChart.of(h, "empty", T0).toSvg());
    assertEquals(2, byClass(doc, "path", "series").size());
  }
}
