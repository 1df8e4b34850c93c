package io.shardcast.cli.ops;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A bash (and zsh, through bashcompinit) completion script for the whole {@code shardcast} command. */
@Command(name = "completion", mixinStandardHelpOptions = true, description = "Print a bash/zsh completion script for shardcast.",
    footer = {"", "Examples:", "  source <(shardcast ops completion)",
        "  shardcast ops completion > /etc/bash_completion.d/shardcast"})
final class CompletionCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().getOut().print(AutoComplete.bash("shardcast", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
  }
}
