package io.shardcast.cli.ops;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ops config}: the context file, as {@code kubectl config} does for a kubeconfig: list the
 * contexts, choose one, add or change one, remove one.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "The context file: named clusters with their gateways (or LiveCluster) and ops token.",
    subcommands = {ConfigCommand.GetContexts.class, ConfigCommand.UseContext.class, ConfigCommand.SetContext.class,
        ConfigCommand.DeleteContext.class},
    footer = {"", "The file is SHARDCAST_CONFIG, else ~/.shardcast/config.yaml (written owner-only).", "",
        "Examples:",
        "  shardcast ops config set-context prod --server https://gw-1:8080,https://gw-2:8080 --token-file ~/.prod-token",
        "  shardcast ops config set-context staging --kube shop --namespace live",
        "  shardcast ops config use-context prod",
        "  shardcast ops status                        # against prod",
        "  shardcast ops status --context staging"})
final class ConfigCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every config command takes: the file, and how failures end. */
  abstract static class FileAction implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
        description = "The context file (default: SHARDCAST_CONFIG, else ~/.shardcast/config.yaml).")
    Path config;

    @Spec
    CommandSpec spec;

    abstract void run(OpsContexts contexts, PrintWriter out);

    @Override
    public final Integer call() {
      try {
        run(OpsContexts.load(OpsContexts.path(config)), spec.commandLine().getOut());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
      } catch (OpsFailure f) {
        spec.commandLine().getErr().println("error: " + f.getMessage());
        spec.commandLine().getErr().flush();
        return f.exitCode();
      }
    }
  }

  @Command(name = "get-contexts", mixinStandardHelpOptions = true,
      description = "The contexts, the current one marked; tokens are never shown.")
  static final class GetContexts extends FileAction {
    @Override
    void run(OpsContexts contexts, PrintWriter out) {
      Output.Table t = new Output.Table("CURRENT", "NAME", "SERVERS", "KUBE", "TOKEN");
      for (OpsContexts.Context c : contexts.contexts().values()) {
        t.row(c.name().equals(contexts.current()) ? "*" : "", c.name(),
            c.servers().isEmpty() ? "-" : String.join(",", c.servers()),
            c.kubeCluster() == null ? "-" : (c.kubeNamespace() == null ? "" : c.kubeNamespace() + "/") + c.kubeCluster(),
            c.token() != null ? "inline" : c.tokenFile() != null ? "file " + c.tokenFile() : "-");
      }
      if (contexts.contexts().isEmpty()) {
        t.note("no contexts in " + contexts.file() + ": add one with shardcast ops config set-context NAME --server URL");
      }
      t.print(out);
    }
  }

  @Command(name = "use-context", mixinStandardHelpOptions = true, description = "Make NAME the current context.")
  static final class UseContext extends FileAction {
    @Parameters(paramLabel = "NAME", description = "The context.")
    String name;

    @Override
    void run(OpsContexts contexts, PrintWriter out) {
      contexts.use(name);
      contexts.save();
      out.println("current context: " + name);
    }
  }

  @Command(name = "set-context", mixinStandardHelpOptions = true,
      description = "Add the context NAME, or change what is given of it; the first context added becomes current.")
  static final class SetContext extends FileAction {
    @Parameters(paramLabel = "NAME", description = "The context.")
    String name;

    @Option(names = {"-s", "--server"}, split = ",", paramLabel = "URL", description = "Its gateways (replace any).")
    List<String> servers;

    @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding its ops token (preferred).")
    String tokenFile;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Its ops token, kept in the file (owner-only).")
    String token;

    @Option(names = "--kube", paramLabel = "LIVECLUSTER", description = "Find its gateways through the Kubernetes API.")
    String kube;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", description = "The LiveCluster's namespace.")
    String namespace;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The kubeconfig for --kube.")
    String kubeconfig;

    @Override
    void run(OpsContexts contexts, PrintWriter out) {
      if (name.isBlank() || !name.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new OpsFailure(ExitCodes.USAGE, "a context name is 1..64 of [A-Za-z0-9_.-]");
      }
      if (servers != null) {
        for (String s : servers) {
          if (!s.startsWith("http://") && !s.startsWith("https://")) {
            throw new OpsFailure(ExitCodes.USAGE, "--server takes gateway URLs (http://host:8080), not " + s);
          }
        }
      }
      OpsContexts.Context was = contexts.contexts().get(name);
      OpsContexts.Context c = new OpsContexts.Context(name,
          servers != null ? new ArrayList<>(servers) : was == null ? List.of() : was.servers(),
          token != null ? token : tokenFile != null ? null : was == null ? null : was.token(),
          tokenFile != null ? tokenFile : token != null ? null : was == null ? null : was.tokenFile(),
          kube != null ? kube : was == null ? null : was.kubeCluster(),
          namespace != null ? namespace : was == null ? null : was.kubeNamespace(),
          kubeconfig != null ? kubeconfig : was == null ? null : was.kubeconfig());
      contexts.put(c);
      contexts.save();
      out.println((was == null ? "added" : "changed") + " context " + name + " in " + contexts.file()
          + (name.equals(contexts.current()) ? " (current)" : ""));
    }
  }

  @Command(name = "delete-context", mixinStandardHelpOptions = true, description = "Remove the context NAME.")
  static final class DeleteContext extends FileAction {
    @Parameters(paramLabel = "NAME", description = "The context.")
    String name;

    @Override
    void run(OpsContexts contexts, PrintWriter out) {
      if (contexts.contexts().remove(name) == null) {
        throw new OpsFailure(ExitCodes.USAGE, "no context " + name + " in " + contexts.file());
      }
      contexts.forgetCurrent(name);
      contexts.save();
      out.println("deleted context " + name);
    }
  }
}
