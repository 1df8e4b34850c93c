package io.shardcast.cli.ops;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** One {@code shardcast ops} command: its options, and the exit code and error line of a failure. */
abstract class OpsAction implements Callable<Integer> {

  @Mixin
  OpsOptions options;

  @Spec
  CommandSpec spec;

  /** Does the command's work, printing to {@code out}; an {@link OpsFailure} says what went wrong. */
  abstract void run(OpsClient client, PrintWriter out);

  @Override
  public final Integer call() {
    try {
      run(options.client(), spec.commandLine().getOut());
      return ExitCodes.OK;
    } catch (OpsFailure f) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("error: " + f.getMessage());
      err.flush();
      return f.exitCode();
    }
  }
}
