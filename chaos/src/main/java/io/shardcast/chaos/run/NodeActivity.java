package io.shardcast.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.chaos.history.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The nodes' room activity logs (what each room incarnation did on a node: recovered, persisted,
 * stopped), one file a node in the run's directory, merged into the history after the run.
 */
final class NodeActivity {

  private NodeActivity() {}

  /** Node {@code i}'s activity log in {@code dir}. */
  static Path file(Path dir, int i) {
    return dir.resolve("activity-node-" + (i + 1) + ".jsonl");
  }

  /** Adds every line of the {@code nodes} nodes' logs to {@code history} as an activity record. */
  static void merge(Path dir, int nodes, History history) throws IOException {
    for (int i = 0; i < nodes; i++) {
      Path f = file(dir, i);
      if (!Files.exists(f)) {
        continue;
      }
      for (String line : Files.readAllLines(f)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode a = History.JSON.readTree(line);
          var rec = History.record("activity", a.path("t").asLong());
          a.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("t")) {
              rec.set(e.getKey(), e.getValue());
            }
          });
          history.add(rec);
        } catch (IOException e) {
          // a line cut short by a kill: the node died writing it
        }
      }
    }
  }
}
