package io.shardcast.cli.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What every {@code shardcast ops} command takes: where the cluster is, the token, and the output form. */
public final class OpsOptions {

  @Option(names = {"-s", "--server"}, split = ",", paramLabel = "URL",
      description = "A gateway of the cluster, http://host:8080 (repeat or separate by commas: the next is tried "
          + "when one cannot be reached). Default: SHARDCAST_SERVER.")
  List<String> servers = new ArrayList<>();

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "The ops token (default: SHARDCAST_OPS_TOKEN). Prefer the variable: a command line is visible to "
          + "other users of the machine.")
  String token;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default), json or yaml: the whole answer, for scripts.")
  Output.Format format;

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
      description = "How long one request may take (500ms, 10s, PT10S). Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  OpsClient client() {
    List<String> s = new ArrayList<>(servers);
    String env = System.getenv("SHARDCAST_SERVER");
    if (s.isEmpty() && env != null && !env.isBlank()) {
      for (String one : env.split(",")) {
        if (!one.isBlank()) {
          s.add(one.strip());
        }
      }
    }
    String t = token != null ? token : System.getenv("SHARDCAST_OPS_TOKEN");
    return new OpsClient(s, t, timeout);
  }
}
