package io.shardcast.cli.ops;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code shardcast ops}: the cluster's ops CLI, against one or more gateways. Exit codes: 0 done, 1
 * failed or refused, 2 usage, 3 no server answered.
 */
@Command(name = "ops", mixinStandardHelpOptions = true, description = "Operate a running cluster through its gateways.",
    subcommands = {StatusCommand.class, NodesCommand.class, ScaleCommand.class, RoomsCommand.class, RoomCommand.class, SalesCommand.class,
        OrdersCommand.class, EventsCommand.class, MediaCommand.class, RestreamsCommand.class, WebhooksCommand.class, AutoscalerCommand.class,
        TopCommand.class, WhoamiCommand.class, ConfigCommand.class, CompletionCommand.class},
    footer = {"", "Exit codes: 0 done, 1 failed or refused, 2 usage, 3 no server answered.",
        "Where: --server, else --kube LIVECLUSTER, else SHARDCAST_SERVER (gateways, comma-separated), else the context",
        "file's context (shardcast ops config). Token: --token, else SHARDCAST_OPS_TOKEN, else the context's, else the",
        "LiveCluster's Secret (with --kube)."})
public final class OpsCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
