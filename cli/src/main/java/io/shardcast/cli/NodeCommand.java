package io.shardcast.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.shardcast.cluster.ShardcastNode;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code shardcast node}: runs one cluster node until SIGTERM (graceful hand-off) or SIGKILL. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Start one Shardcast cluster node. Flags override config and SHARDCAST_* variables.")
public final class NodeCommand implements Callable<Integer> {

  /** The journals a node can use. */
  public enum Journal { h2, postgres }

  /** A node's role: active nodes host rooms and viewers; standby nodes wait to be activated. */
  public enum Role { active, standby }

  @Spec CommandSpec spec;

  @Option(names = "--hostname", description = "Address this node binds and advertises (default 127.0.0.1).")
  String hostname;

  @Option(names = "--http-port", description = "Gateway port: REST and /metrics (default 8080).")
  Integer httpPort;

  @Option(names = "--viewer-port", description = "Viewer WebSocket port, /ws/rooms/{id} (default: the gateway port + 100).")
  Integer viewerPort;

  @Option(names = "--remote-port", description = "Pekko Artery TCP port (default 25520).")
  Integer remotePort;

  @Option(names = "--management-port", description = "pekko-management port: /ready, /alive (default 8558).")
  Integer managementPort;

  @Option(names = "--rtmp-port", description = "RTMP ingest and play port (default 1935).")
  Integer rtmpPort;

  @Option(names = "--media-port", description = "HTTP-FLV and WebSocket-FLV port, /live/{id}.flv (default: the gateway port + 200).")
  Integer mediaPort;

  @Option(names = "--rtp-port", description = "UDP port where RTP players subscribe (default: the gateway port + 300).")
  Integer rtpPort;

  @Option(names = "--webrtc-port", description = "UDP port of WebRTC playback, WHEP (default: the gateway port + 400).")
  Integer webrtcPort;

  @Option(names = "--relay-port", description = "UDP port of the Aeron media relay between nodes (default: the remote port + 1000).")
  Integer relayPort;

  @Option(names = "--seed-nodes", split = ",",
      description = "Seed nodes as host:port (Artery ports), comma-separated; may be repeated.")
  List<String> seedNodes;

  @Option(names = "--data-dir", description = "Directory of the H2 journal; nodes with the same data-dir share it.")
  File dataDir;

  @Option(names = "--journal", description = "h2 (embedded default) or postgres.")
  Journal journal;

  @Option(names = "--postgres-url", description = "JDBC URL of the PostgreSQL journal.")
  String postgresUrl;

  @Option(names = "--postgres-user", description = "PostgreSQL user.")
  String postgresUser;

  @Option(names = "--postgres-password", description = "PostgreSQL password (or SHARDCAST_POSTGRES_PASSWORD).")
  String postgresPassword;

  @Option(names = "--role", description = "active or standby.")
  Role role;

  /** Where the autoscaler gets new nodes. */
  public enum ScalerBackend { none, local, kubernetes }

  @Option(names = "--scaler", description = "Backend the autoscaler starts nodes with: none (decisions shown only), "
      + "local (child processes on this machine, like this one) or kubernetes.")
  ScalerBackend scaler;

  @Option(names = "--discovery", description = "config (seed nodes) or kubernetes-api (Cluster Bootstrap).")
  String discovery;

  @Option(names = "--config", description = "An extra HOCON file, applied under the flags.")
  File configFile;

  /** Whether the command line starts a node, whose JVM must outlive main(). */
  static boolean keepsRunning(String[] args) {
    return args.length > 0 && args[0].equals("node") && !List.of(args).contains("--help")
        && !List.of(args).contains("-h");
  }

  @Override
  public Integer call() {
    ShardcastNode.Running node = ShardcastNode.start(overrides());
    String host = node.binding().localAddress().getHostString();
    System.out.println("shardcast node ready: http://" + host + ":" + node.httpPort() + ", viewers ws://" + host + ":"
        + node.viewerPort() + "/ws/rooms/{roomId}?user={userId}");
    return 0;
  }

  Config overrides() {
    Map<String, Object> m = new HashMap<>();
    port("--http-port", httpPort, "shardcast.gateway.port", m);
    port("--viewer-port", viewerPort, "shardcast.gateway.viewer-port", m);
    port("--remote-port", remotePort, "pekko.remote.artery.canonical.port", m);
    port("--management-port", managementPort, "pekko.management.http.port", m);
    port("--rtmp-port", rtmpPort, "shardcast.media.rtmp-port", m);
    port("--media-port", mediaPort, "shardcast.media.http-port", m);
    port("--relay-port", relayPort, "shardcast.media.relay-port", m);
    port("--rtp-port", rtpPort, "shardcast.media.rtp-port", m);
    port("--webrtc-port", webrtcPort, "shardcast.media.webrtc-port", m);
    if (hostname != null) {
      m.put("shardcast.node.hostname", hostname);
    }
    if (seedNodes != null) {
      List<String> seeds = new ArrayList<>();
      for (String s : seedNodes) {
        String[] hp = s.trim().split(":");
        if (hp.length != 2 || hp[0].isEmpty() || !hp[1].matches("\\d{1,5}") || Integer.parseInt(hp[1]) > 65535) {
          throw new ParameterException(spec.commandLine(), "--seed-nodes wants host:port, got '" + s + "'");
        }
        String seed = "pekko://shardcast@" + hp[0] + ":" + hp[1];
        if (!seeds.contains(seed)) {
          seeds.add(seed); // the flag may be given more than once (a node started by the autoscaler)
        }
      }
      m.put("pekko.cluster.seed-nodes", seeds);
    }
    if (dataDir != null) {
      m.put("shardcast.data-dir", dataDir.getAbsolutePath());
    }
    if (journal != null) {
      m.put("shardcast.journal.kind", journal.name());
    }
    if (postgresUrl != null) {
      m.put("shardcast.journal.postgres.url", postgresUrl);
    }
    if (postgresUser != null) {
      m.put("shardcast.journal.postgres.user", postgresUser);
    }
    if (postgresPassword != null) {
      m.put("shardcast.journal.postgres.password", postgresPassword);
    }
    if (role != null) {
      m.put("shardcast.node.role", role.name());
    }
    if (discovery != null) {
      if (!discovery.equals("config") && !discovery.equals("kubernetes-api")) {
        throw new ParameterException(spec.commandLine(), "--discovery must be config or kubernetes-api");
      }
      m.put("shardcast.node.discovery", discovery);
    }
    if (scaler != null) {
      m.put("shardcast.autoscaler.scaler.backend", scaler.name());
    }
    // The local backend starts nodes like this one: same JVM, seeds, data dir and journal.
    m.put("shardcast.autoscaler.scaler.local.command", childCommand());
    if (hostname != null) {
      m.put("shardcast.autoscaler.scaler.local.host", hostname);
    }
    Config flags = ConfigFactory.parseMap(m);
    if (configFile != null) {
      if (!configFile.isFile()) {
        throw new ParameterException(spec.commandLine(), "--config file not found: " + configFile);
      }
      flags = flags.withFallback(ConfigFactory.parseFile(configFile));
    }
    return flags;
  }

  /** The command line of a node started by the local scaler, without its ports and role. */
  private List<String> childCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(io.shardcast.media.relay.AeronRelay.JVM_OPTIONS);
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // Heap, GC, the class archive (and its log setting) and properties as this node has them; not
      // debugger or agent flags (a port each), other logs (a file each), nor a training run's dump.
      if ((arg.startsWith("-Xm") || arg.startsWith("-Xs") || arg.startsWith("-XX:") || arg.startsWith("-D")
          || arg.startsWith("-Xlog:cds")) && !arg.startsWith("-XX:ArchiveClassesAtExit")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Shardcast.class.getName(), "node"));
    if (hostname != null) {
      cmd.addAll(List.of("--hostname", hostname));
    }
    if (seedNodes != null) {
      cmd.addAll(List.of("--seed-nodes", String.join(",", seedNodes)));
    }
    if (dataDir != null) {
      cmd.addAll(List.of("--data-dir", dataDir.getAbsolutePath()));
    }
    if (journal != null) {
      cmd.addAll(List.of("--journal", journal.name()));
    }
    if (postgresUrl != null) {
      cmd.addAll(List.of("--postgres-url", postgresUrl));
    }
    if (postgresUser != null) {
      cmd.addAll(List.of("--postgres-user", postgresUser));
    }
    // The PostgreSQL password is not passed on a command line (every process list shows those): a
    // child inherits SHARDCAST_POSTGRES_PASSWORD from this node's environment.
    if (discovery != null) {
      cmd.addAll(List.of("--discovery", discovery));
    }
    if (scaler != null) {
      cmd.addAll(List.of("--scaler", scaler.name()));
    }
    if (configFile != null) {
      cmd.addAll(List.of("--config", configFile.getAbsolutePath()));
    }
    return cmd;
  }

  private void port(String flag, Integer value, String path, Map<String, Object> m) {
    if (value == null) {
      return;
    }
    if (value < 0 || value > 65535) {
      throw new ParameterException(spec.commandLine(), flag + " must be 0..65535, got " + value);
    }
    m.put(path, ConfigValueFactory.fromAnyRef(value).unwrapped());
  }
}
