package io.shardcast.cli.web;

import io.shardcast.cli.Shardcast;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.cluster.NodeProgram;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a browser test class runs against: a local cluster of node processes of the built program
 * and Debian's Chromium, started together and stopped together (the nodes' logs kept under
 * {@code target/node-logs/<name>}).
 */
record BrowserCluster(LocalCluster cluster, Chromium chromium, String name) implements AutoCloseable {

  static BrowserCluster start(int nodes, Path dataDir, String name) throws Exception {
    return start(nodes, dataDir, name, List.of());
  }

  /** @param settings more JVM arguments for every node ({@code -Dshardcast.access.viewers=platform}, ...) */
  static BrowserCluster start(int nodes, Path dataDir, String name, List<String> settings) throws Exception {
    Chromium chromium = Chromium.launch();
    try {
      List<String> jvm = new java.util.ArrayList<>(List.of("-Xms128m", "-Xmx320m", "-XX:TieredStopAtLevel=1",
          LocalCluster.FIXED_SIZE));
      jvm.addAll(settings);
      LocalCluster cluster = LocalCluster.start(NodeProgram.of(Shardcast.class), nodes, dataDir, 0, jvm, List.of());
      cluster.awaitReady(Duration.ofSeconds(180));
      return new BrowserCluster(cluster, chromium, name);
    } catch (Exception | Error e) {
      chromium.close();
      throw e;
    }
  }

  @Override
  public void close() {
    chromium.close();
    cluster.close();
    cluster.copyLogs(Path.of("target", "node-logs", name));
  }
}
