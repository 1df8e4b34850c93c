package io.shardcast.cli;

import picocli.CommandLine.Command;

/** {@code shardcast bench}: the benchmarks whose figures go to BENCHMARKS.md. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (figures in BENCHMARKS.md).",
    subcommands = {FanoutBench.class, MediaBench.class, MediaLossBench.class, FlashSaleBench.class, SaleOpenBench.class,
        AutoscaleBench.class})
public final class BenchCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
