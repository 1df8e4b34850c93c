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
    Chromium chromium = Chromium.launch();
    try {
      LocalCluster cluster = LocalCluster.start(NodeProgram.of(Shardcast.class), nodes, dataDir, 0,
          List.of("-Xms128m", "-Xmx320m", "-XX:TieredStopAtLevel=1", LocalCluster.FIXED_SIZE), List.of());
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
