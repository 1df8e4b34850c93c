package io.shardcast.cli;

import io.shardcast.bench.BenchCommand;
import io.shardcast.cli.ops.OpsCommand;
import io.shardcast.testkit.cluster.NodeProgram;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The one {@code shardcast} command. */
@Command(
    name = "shardcast",
    mixinStandardHelpOptions = true,
    version = "shardcast 0.1.0",
    description = "Elastic actor cluster for e-commerce live streaming.",
    subcommands = {NodeCommand.class, DemoCommand.class, OperatorCommand.class, OpsCommand.class, ChaosCommand.class,
        ClassArchiveTraining.class})
public final class Shardcast implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0 || !NodeCommand.keepsRunning(args)) {
      System.exit(code);
    }
  }

  /** The whole command tree, as {@code main} runs it. */
  static CommandLine commandLine() {
    return new CommandLine(new Shardcast())
        .addSubcommand(new BenchCommand(NodeProgram.of(Shardcast.class)))
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
