package io.shardcast.bench;

import static io.shardcast.testkit.chart.SvgDocuments.byClass;
import static io.shardcast.testkit.chart.SvgDocuments.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardcast.autoscaler.policy.SafeLoad;
import io.shardcast.autoscaler.sim.ClusterModel;
import io.shardcast.autoscaler.sim.ReactiveBaseline;
import io.shardcast.autoscaler.sim.Simulation;
import io.shardcast.autoscaler.sim.Trace;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import picocli.CommandLine;

/** {@code bench autoscale --charts} draws each trace's demand against each controller's nodes, sales marked. */
class AutoscaleChartTest {



  @Test
  void aTraceIsDrawnWithItsDemandEachControllersNodesAndItsSale() throws Exception {
    // 2 nodes' worth of viewers, then 5 nodes' worth from second 20; a sale revealed at 15.
    StringBuilder csv = new StringBuilder("# sale announced_at=5 reveal_at=15\nt,viewers,joins,events\n");
    for (int t = 0; t < 60; t++) {
      csv.append(t).append(',').append(t < 20 ? 180 : 480).append(",0,0\n");
    }
    Trace trace = Trace.parse("two <steps>", new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)));
    ClusterModel model = new ClusterModel(new SafeLoad(100, 1000, 1000, 1e9, 1e12, 1e9, 1e9), 4, 0, 0.5, 4.5, 10, 7);
    Simulation sim = new Simulation(trace, model);
    sim.provision(2, 0);
    StringWriter series = new StringWriter();
    sim.run(new ReactiveBaseline(0.7, 1), series);

    String svg = AutoscaleChart.of(trace, model, List.of(AutoscaleChart.Run.parse("hpa-like", series.toString())))
        .toSvg();
    Document doc = parse(svg);
    List<Element> paths = byClass(doc, "path", "series");
    assertEquals(List.of("demand: nodes' worth of load at safe load (the oracle runs this, rounded up)",
        "hpa-like: serving", "hpa-like: all nodes (standby, starting, draining too)"),
        paths.stream().map(Element::getTextContent).toList());
    // The baseline's serving nodes step up after the demand does (from 1.8 to 4.8 nodes' worth at 20 s).
    assertTrue(paths.get(1).getAttribute("d").contains("V"), paths.get(1).getAttribute("d"));
    assertTrue(byClass(doc, "g", "markers").get(0).getTextContent().contains("sale reveals"));
    assertTrue(byClass(doc, "text", "title").get(0).getTextContent().contains("two <steps>"));
    assertEquals("autoscale-two__steps_.svg", AutoscaleChart.fileName(trace.name(), ""));

    Document sale = parse(AutoscaleChart.aroundSale(trace, model,
        List.of(AutoscaleChart.Run.parse("hpa-like", series.toString())), 0).toSvg());
    List<Element> xTicks = byClass(sale, "text", "x-tick");
    double lastTick = Double.parseDouble(xTicks.get(xTicks.size() - 1).getTextContent());
    assertTrue(lastTick <= 59, "the zoom stays within the trace's 60 s: " + lastTick);
    assertTrue(byClass(sale, "g", "markers").get(0).getTextContent().contains("sale reveals"));
  }

  @Test
  void theBenchDrawsOneChartPerTraceAndRefusesAFileForADirectory(@TempDir Path dir) throws Exception {
    Path charts = dir.resolve("img");
    int code = new CommandLine(new AutoscaleBench()).execute("--trace", "spike-60s", "--charts", charts.toString());
    assertTrue(code == 0 || code == 1, "ran (0 or 1 by its targets), got " + code);
    Path file = charts.resolve("autoscale-spike-60s.svg");
    Document doc = parse(Files.readString(file));
    assertEquals(5, byClass(doc, "path", "series").size(), "demand, and serving and all nodes for two controllers");
    byte[] first = Files.readAllBytes(file);
    new CommandLine(new AutoscaleBench()).execute("--trace", "spike-60s", "--charts", charts.toString());
    assertEquals(new String(first, StandardCharsets.UTF_8), Files.readString(file), "the same run draws the same file");

    Path notADir = Files.writeString(dir.resolve("a-file"), "x");
    assertEquals(2, new CommandLine(new AutoscaleBench()).execute("--charts", notADir.toString()));
  }
}
