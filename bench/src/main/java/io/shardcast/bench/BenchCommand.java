package io.shardcast.bench;

import io.shardcast.testkit.cluster.NodeProgram;
import picocli.CommandLine.Command;

/**
 * {@code shardcast bench}: the benchmarks whose figures go to BENCHMARKS.md. The program that runs
 * it says how its node processes start ({@link NodeProgram}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (figures in BENCHMARKS.md).",
    subcommands = {FanoutBench.class, MediaBench.class, MediaLossBench.class, FlashSaleBench.class, SaleOpenBench.class,
        AutoscaleBench.class, AssistantBench.class, JmhBench.class, FanoutClient.class})
public final class BenchCommand implements Runnable {

  private final NodeProgram nodes;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  public BenchCommand(NodeProgram nodes) {
    this.nodes = nodes;
  }

  /** How the benchmarks' node processes start. */
  NodeProgram nodes() {
    return nodes;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
