package io.shardcast.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.chaos.check.AvailabilityChecker;
import io.shardcast.chaos.check.MediaChecker;
import io.shardcast.chaos.check.OrderChecker;
import io.shardcast.chaos.check.SplitBrainChecker;
import io.shardcast.chaos.check.Verdict;
import io.shardcast.chaos.check.ViewerChecker;
import io.shardcast.chaos.history.History;
import io.shardcast.testkit.chart.SvgChart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A run's verdicts and fault costs, as report.json and report.md, and its availability as availability.svg. */
public final class Report {

  /** The picture of the room's availability, next to report.md. */
  public static final String AVAILABILITY_CHART = "availability.svg";

  private final JsonNode meta;
  private final List<Verdict> verdicts;
  private final List<AvailabilityChecker.FaultCost> costs;
  private final long firstT;
  private final Map<String, Long> operations;
  private final List<String> harnessErrors;
  private final SvgChart availability;

  private Report(JsonNode meta, List<Verdict> verdicts, List<AvailabilityChecker.FaultCost> costs, long firstT,
      Map<String, Long> operations, List<String> harnessErrors, SvgChart availability) {
    this.harnessErrors = harnessErrors;
    this.availability = availability;
    this.meta = meta;
    this.verdicts = verdicts;
    this.costs = costs;
    this.firstT = firstT;
    this.operations = operations;
  }

  /** Checks a history with every checker. */
  public static Report of(List<JsonNode> history) {
    ObjectNode meta = History.JSON.createObjectNode();
    long first = Long.MAX_VALUE;
    Map<String, Long> ops = new java.util.LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    for (JsonNode r : history) {
      if (r.path("k").asText().equals("harness")) {
        errors.add(r.path("error").asText());
      }
      if (r.path("k").asText().equals("meta")) {
        r.fields().forEachRemaining(e -> {
          if (!e.getKey().equals("k") && !e.getKey().equals("t")) {
            meta.set(e.getKey(), e.getValue());
          }
        });
      }
      if (!r.path("k").asText().equals("activity")) {
        first = Math.min(first, r.path("t").asLong());
      }
      String k = r.path("k").asText();
      if (k.equals("op") && !r.path("phase").asText().equals("invoke")) {
        ops.merge(r.path("op").asText() + "s", 1L, Long::sum);
      } else if (k.equals("recv")) {
        ops.merge("viewer events", 1L, Long::sum);
      } else if (k.equals("conn") && r.path("phase").asText().equals("open")) {
        ops.merge("viewer connections", 1L, Long::sum);
      }
    }
    List<AvailabilityChecker.FaultCost> costs = new ArrayList<>();
    List<Verdict> verdicts = List.of(OrderChecker.check(history), ViewerChecker.check(history),
        SplitBrainChecker.check(history), AvailabilityChecker.check(history, costs), MediaChecker.check(history));
    long firstT = first == Long.MAX_VALUE ? 0 : first;
    return new Report(meta, verdicts, costs, firstT, ops, errors,
        AvailabilityChart.of(history, meta.path("scenario").asText("?"), firstT));
  }

  /** Whether every invariant held, and the scenario ran as planned. */
  public boolean ok() {
    return harnessErrors.isEmpty() && verdicts.stream().allMatch(Verdict::ok);
  }

  /** What kept the scenario from running as planned (empty when it did). */
  public List<String> harnessErrors() {
    return harnessErrors;
  }

  public List<Verdict> verdicts() {
    return verdicts;
  }

  public List<AvailabilityChecker.FaultCost> costs() {
    return costs;
  }

  public long violations(String checker, String invariant) {
    return verdicts.stream().filter(v -> v.checker().equals(checker))
        .mapToLong(v -> v.violations().getOrDefault(invariant, 0L)).sum();
  }

  public String scenario() {
    return meta.path("scenario").asText("?");
  }

  public ObjectNode toJson() {
    ObjectNode n = History.JSON.createObjectNode();
    n.put("scenario", scenario()).put("ok", ok());
    n.set("run", meta);
    n.set("operations", History.JSON.valueToTree(operations));
    harnessErrors.forEach(n.putArray("harnessErrors")::add);
    var faults = n.putArray("faults");
    for (AvailabilityChecker.FaultCost c : costs) {
      faults.addObject().put("name", c.name()).put("class", c.faultClass()).put("target", c.target())
          .put("atSeconds", (c.startMillis() - firstT) / 1000.0).put("unavailableMs", c.unavailableMillis())
          .put("longestOutageMs", c.longestOutageMillis()).put("capacityBackMs", c.capacityBackMillis());
    }
    var checks = n.putArray("checks");
    verdicts.forEach(v -> checks.add(v.toJson()));
    return n;
  }

  public String toMarkdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Chaos run: ").append(scenario()).append(ok() ? " (passed)" : " (FAILED)").append("\n\n");
    md.append("| run | |\n|---|---|\n");
    meta.fields().forEachRemaining(e -> md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().asText())
        .append(" |\n"));
    if (!harnessErrors.isEmpty()) {
      md.append("\n**The scenario did not run as planned:**\n\n");
      harnessErrors.forEach(e -> md.append("- ").append(e).append("\n"));
    }
    md.append("\n## Operations\n\n| what | count |\n|---|---:|\n");
    operations.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append("\n## Invariants\n\n| checker | invariant | violations |\n|---|---|---:|\n");
    for (Verdict v : verdicts) {
      v.violations().forEach((k, c) -> md.append("| ").append(v.checker()).append(" | ").append(k).append(" | ")
          .append(c).append(c > 0 ? " **violated**" : "").append(" |\n"));
    }
    md.append("\n## Faults\n\n![the room's answers to the prober over the run, faults shaded](")
        .append(AVAILABILITY_CHART).append(")\n\n| at (s) | fault | target | room unavailable (ms) | longest outage (ms) | "
        + "capacity back after (ms) |\n|---:|---|---|---:|---:|---:|\n");
    for (AvailabilityChecker.FaultCost c : costs) {
      md.append("| ").append(String.format("%.1f", (c.startMillis() - firstT) / 1000.0)).append(" | ").append(c.name())
          .append(" | ").append(c.target()).append(" | ").append(c.unavailableMillis()).append(" | ")
          .append(c.longestOutageMillis()).append(" | ")
          .append(c.capacityBackMillis() < 0 ? "-" : Long.toString(c.capacityBackMillis())).append(" |\n");
    }
    md.append("\n## Unavailability by fault class\n\n| class | faults | p50 (ms) | p99 (ms) | max (ms) | target p99 (ms) |"
        + "\n|---|---:|---:|---:|---:|---|\n");
    Map<String, List<Long>> byClass = new java.util.TreeMap<>();
    costs.forEach(c -> byClass.computeIfAbsent(c.faultClass(), x -> new ArrayList<>()).add(c.unavailableMillis()));
    byClass.forEach((cls, xs) -> {
      xs.sort(Long::compare);
      long p99 = AvailabilityChecker.percentile(xs, 0.99);
      Long target = AvailabilityChecker.TARGET_P99_MS.get(cls);
      md.append("| ").append(cls).append(" | ").append(xs.size()).append(" | ")
          .append(AvailabilityChecker.percentile(xs, 0.50)).append(" | ").append(p99).append(" | ")
          .append(xs.get(xs.size() - 1)).append(" | ")
          .append(target == null ? "-" : target + (p99 <= target ? " (met)" : " (missed)")).append(" |\n");
    });
    md.append("\n## Figures\n\n");
    for (Verdict v : verdicts) {
      md.append("- **").append(v.checker()).append("**: ");
      List<String> parts = new ArrayList<>();
      v.figures().forEach((k, x) -> parts.add(k + " " + History.JSON.valueToTree(x)));
      md.append(String.join("; ", parts)).append("\n");
    }
    List<String> examples = new ArrayList<>();
    verdicts.forEach(v -> v.examples().forEach(e -> examples.add(v.checker() + " / " + e)));
    if (!examples.isEmpty()) {
      md.append("\n## Violations (first examples)\n\n");
      examples.forEach(e -> md.append("- ").append(e).append("\n"));
    }
    return md.toString();
  }

  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("report.json"),
        History.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()));
    Files.writeString(dir.resolve("report.md"), toMarkdown());
    availability.write(dir.resolve(AVAILABILITY_CHART));
  }
}
