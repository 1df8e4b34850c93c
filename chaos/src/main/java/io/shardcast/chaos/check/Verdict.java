package io.shardcast.chaos.check;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.chaos.history.History;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one checker found in a history: its invariants' violation counts (all zero when the
 * history is valid), figures that are not invariants, and a few examples of each violation.
 */
public final class Verdict {

  private static final int MAX_EXAMPLES = 10;

  private final String checker;
  private final Map<String, Long> violations = new LinkedHashMap<>();
  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final List<String> examples = new ArrayList<>();

  public Verdict(String checker, String... invariants) {
    this.checker = checker;
    for (String i : invariants) {
      violations.put(i, 0L);
    }
  }

  public String checker() {
    return checker;
  }

  /** Counts a violation of {@code invariant}, keeping {@code example} among the first few. */
  public void violate(String invariant, String example) {
    violations.merge(invariant, 1L, Long::sum);
    if (examples.size() < MAX_EXAMPLES) {
      examples.add(invariant + ": " + example);
    }
  }

  public void violate(String invariant, long count, String example) {
    if (count > 0) {
      violations.merge(invariant, count, Long::sum);
      if (examples.size() < MAX_EXAMPLES) {
        examples.add(invariant + ": " + example);
      }
    }
  }

  public void figure(String name, Object value) {
    figures.put(name, value);
  }

  public Map<String, Long> violations() {
    return violations;
  }

  public Map<String, Object> figures() {
    return figures;
  }

  public List<String> examples() {
    return examples;
  }

  public long violationCount() {
    return violations.values().stream().mapToLong(Long::longValue).sum();
  }

  public boolean ok() {
    return violationCount() == 0;
  }

  public ObjectNode toJson() {
    ObjectNode n = History.JSON.createObjectNode();
    n.put("checker", checker).put("ok", ok());
    ObjectNode v = n.putObject("violations");
    violations.forEach(v::put);
    n.set("figures", History.JSON.valueToTree(figures));
    examples.forEach(n.putArray("examples")::add);
    return n;
  }
}
