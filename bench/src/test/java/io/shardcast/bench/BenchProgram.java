package io.shardcast.bench;

import io.shardcast.testkit.cluster.NodeProgram;
import picocli.CommandLine;

/** A program whose command is {@code bench} itself: the client processes tests start run it. */
public final class BenchProgram {

  private BenchProgram() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand(NodeProgram.of(BenchProgram.class))).execute(args));
  }
}
