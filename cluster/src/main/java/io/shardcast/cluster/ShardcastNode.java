package io.shardcast.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shardcast.autoscaler.policy.AutoscalerSettings;
import io.shardcast.autoscaler.scaler.ScalerSettings;
import io.shardcast.autoscaler.signal.NodeRole;
import io.shardcast.cluster.access.Access;
import io.shardcast.cluster.access.PlayAccess;
import io.shardcast.cluster.autoscale.Autoscaler;
import io.shardcast.cluster.autoscale.JoinDesk;
import io.shardcast.cluster.autoscale.LoadReporter;
import io.shardcast.cluster.autoscale.NodeAgent;
import io.shardcast.cluster.autoscale.NodeLifecycle;
import io.shardcast.cluster.autoscale.RoomAllocation;
import io.shardcast.cluster.autoscale.Scalers;
import io.shardcast.cluster.gateway.Gateway;
import io.shardcast.cluster.gateway.GatewaySettings;
import io.shardcast.cluster.gateway.MetricsAccess;
import io.shardcast.cluster.gateway.NumbersRoutes;
import io.shardcast.cluster.gateway.OrderDesk;
import io.shardcast.cluster.journal.JournalConfig;
import io.shardcast.cluster.journal.JournalWarmup;
import io.shardcast.cluster.journal.ProjectionOffsets;
import io.shardcast.cluster.media.MediaInspector;
import io.shardcast.cluster.media.MediaPlane;
import io.shardcast.cluster.metrics.NodeMetrics;
import io.shardcast.cluster.numbers.NumbersProjection;
import io.shardcast.cluster.numbers.RoomNumbers;
import io.shardcast.cluster.ops.OpsApi;
import io.shardcast.cluster.viewer.ViewerServer;
import io.shardcast.cluster.webhook.WebhookSettings;
import io.shardcast.cluster.webhook.Webhooks;
import io.shardcast.room.LiveRoom;
import io.shardcast.room.RoomEdges;
import io.shardcast.room.RoomSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Shardcast node: an actor system in the Pekko cluster with room sharding, this node's room
 * edges, the gateway, metrics and pekko-management. SIGTERM runs CoordinatedShutdown: the gateway
 * unbinds, the node leaves the cluster and its rooms are handed off to the other nodes.
 */
public final class ShardcastNode {

  private static final Logger log = LoggerFactory.getLogger(ShardcastNode.class);

  /** A started node. */
  public record Running(ActorSystem<Void> system, ServerBinding binding, ViewerServer viewers, NodeLifecycle lifecycle,
      MediaPlane media) {

    public int httpPort() {
      return binding.localAddress().getPort();
    }

    /** The port of the viewer WebSockets ({@code /ws/rooms/{id}}). */
    public int viewerPort() {
      return viewers.port();
    }

    /** Graceful stop (leave, hand off shards) and wait for it. */
    public void stop() {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("node did not stop in time", e);
      }
    }
  }

  private ShardcastNode() {}

  /** The full configuration for {@code overrides} on top of application.conf and the defaults. */
  public static Config config(Config overrides) {
    Config app = overrides
        .withFallback(ConfigFactory.parseResourcesAnySyntax("application"))
        .withFallback(ConfigFactory.parseResources(ShardcastNode.class, "node.conf"));
    return JournalConfig.apply(ConfigFactory.load(app));
  }

  private static void closeQuietly(AutoCloseable held) {
    try {
      held.close();
    } catch (Exception e) {
      log.debug("closing the journal's held connection: {}", e.getMessage());
    }
  }

  private static NodeRole parseRole(String role) {
    return switch (role) {
      case "active" -> NodeRole.ACTIVE;
      case "standby" -> NodeRole.STANDBY;
      default -> throw new IllegalArgumentException("shardcast.node.role must be active or standby, not " + role);
    };
  }

  public static Running start(Config overrides) {
    Config config = config(overrides);
    RoomSettings roomSettings = RoomSettings.from(config);
    GatewaySettings gatewaySettings = GatewaySettings.from(config);
    AutoscalerSettings autoscalerSettings = AutoscalerSettings.from(config);
    String discovery = config.getString("shardcast.node.discovery");
    if (!discovery.equals("config") && !discovery.equals("kubernetes-api")) {
      throw new IllegalArgumentException("shardcast.node.discovery must be config or kubernetes-api, not " + discovery);
    }
    AutoCloseable journalHeld = config.getBoolean("shardcast.journal.create-schema")
        ? JournalConfig.createSchema(config) : () -> { };
    ScalerSettings scalerSettings = ScalerSettings.from(config);
    Access access = Access.from(config, System::currentTimeMillis);
    PlayAccess play = PlayAccess.from(config, access);
    NodeRole initialRole = parseRole(config.getString("shardcast.node.role"));
    long rebalanceMinViewers = config.getLong("shardcast.placement.rebalance-min-viewers");
    int rebalanceMaxMoves = config.getInt("shardcast.placement.rebalance-max-moves");
    Duration drainTimeout = config.getDuration("shardcast.placement.drain-timeout");
    int numberOfShards = config.getInt("pekko.cluster.sharding.number-of-shards");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "shardcast", config);
    system.getWhenTerminated().thenRun(() -> closeQuietly(journalHeld));
    try {
      NodeStatus status = NodeStatus.ID.get(Adapter.toClassic(system));
      NodeLifecycle lifecycle = new NodeLifecycle(autoscalerSettings.enabled() ? initialRole : NodeRole.ACTIVE);
      // Registered first thing, so the time is when this node became Up, not when it finished starting.
      Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(lifecycle::up);
      ActorRef<Autoscaler.Command> autoscaler = null;
      JoinDesk joins = null;
      if (autoscalerSettings.enabled()) {
        // Every node keeps a replica of the operator's scale hold (ScaleHolds): the replicator runs
        // only where it was asked for, and a majority write needs it on the other nodes too.
        org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData.get(system);
        autoscaler = ClusterSingleton.get(system).init(SingletonActor.of(Autoscaler.create(autoscalerSettings,
            scalerSettings, () -> Scalers.create(scalerSettings, config), numberOfShards), "autoscaler"));
        joins = new JoinDesk(system, autoscaler, autoscalerSettings.safeLoad());
      }
      // Without the autoscaler there are no roles or room weights: Pekko's default allocation.
      LiveRoom.init(system, autoscaler == null ? null
          : new RoomAllocation(system, autoscaler, rebalanceMinViewers, rebalanceMaxMoves));
      status.shardingStarted = true;
      WebhookSettings webhookSettings = WebhookSettings.from(config);
      ProjectionOffsets offsets = ProjectionOffsets.open(config);
      system.getWhenTerminated().thenRun(offsets::close);
      Webhooks.start(system, webhookSettings, offsets);
      NumbersProjection.start(system, offsets);
      NumbersRoutes numbers = new NumbersRoutes(system, new RoomNumbers(offsets));
      if (JournalWarmup.wanted(config)) {
        JournalWarmup.run(system);
      }
      NodeMetrics metrics = NodeMetrics.start(system);
      ActorRef<RoomEdges.Command> edges = system.systemActorOf(RoomEdges.create(roomSettings, metrics.fanout()),
          "room-edges", Props.empty());
      OrderDesk orders = new OrderDesk(system, gatewaySettings, roomSettings, metrics, access);
      Gateway gateway = new Gateway(system, gatewaySettings, metrics, orders, access, play, joins, numbers);
      OpsApi ops = new OpsApi(system, gatewaySettings, access, autoscaler, numberOfShards, webhookSettings, offsets,
          numbers);
      ServerBinding binding = Http.get(system)
          .newServerAt(gatewaySettings.iface(), gatewaySettings.port())
          .bind(gateway.routes(ops.routes()))
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS)
          .addToCoordinatedShutdown(Duration.ofSeconds(5), system);
      MetricsAccess metricsAccess = MetricsAccess.from(config);
      if (metricsAccess.mode() == MetricsAccess.Mode.INTERNAL) {
        ServerBinding metricsBinding = Http.get(system).newServerAt(metricsAccess.iface(), metricsAccess.port())
            .bind(gateway.metricsRoutes()).toCompletableFuture().get(30, TimeUnit.SECONDS)
            .addToCoordinatedShutdown(Duration.ofSeconds(5), system);
        log.info("metrics on the internal port http://{}:{}/metrics only", metricsAccess.iface(),
            metricsBinding.localAddress().getPort());
      }
      ViewerServer viewers = ViewerServer.start(system, edges, gatewaySettings, roomSettings, orders, access,
          metrics);
      CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
      shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "viewer-unbind", () -> {
        viewers.unbind();
        return CompletableFuture.completedFuture(Done.getInstance());
      });
      shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "viewer-close", () -> {
        viewers.close();
        return CompletableFuture.completedFuture(Done.getInstance());
      });
      gateway.viewerPort(viewers.port());
      MediaPlane media = null;
      if (config.getBoolean("shardcast.media.enabled")) {
        media = MediaPlane.start(system, config, config.getString("shardcast.node.hostname"), gatewaySettings.port(),
            gatewaySettings.askTimeout(), play.gate());
        MediaPlane plane = media;
        shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "media-close", () -> {
          plane.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
        gateway.mediaPorts(plane.server().rtmpPort(), plane.server().httpPort());
        metrics.media(plane);
        system.systemActorOf(MediaInspector.create(system.address().toString(), plane.hub(),
            plane.server()), "media-inspector", Props.empty());
      }
      viewers.servingWhen(() -> lifecycle.serving() ? null : lifecycle.role().name().toLowerCase(Locale.ROOT));
      if (autoscaler != null) {
        String viewerBase = "http://" + config.getString("shardcast.node.hostname") + ":" + viewers.port();
        String nodeId = system.address().toString();
        String mediaBase = media == null ? ""
            : "http://" + config.getString("shardcast.node.hostname") + ":" + media.server().httpPort();
        ActorRef<Object> reporter = system.systemActorOf(LoadReporter.create(autoscaler, nodeId, lifecycle,
            viewerBase, mediaBase, viewers::viewers, metrics, edges), "load-reporter", Props.empty());
        system.systemActorOf(NodeAgent.create(lifecycle, viewers, joins, nodeId, reporter, drainTimeout), "node-agent",
            Props.empty());
      }
      access.logMode();
      status.gatewayBound = true;
      PekkoManagement.get(system).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (discovery.equals("kubernetes-api")) {
        ClusterBootstrap.get(system).start();
      }
      log.info("node {} up as {}: gateway http://{}:{}, viewers ws://{}:{}/ws/rooms/..., journal {}", system.address(),
          lifecycle.role(), gatewaySettings.iface(), binding.localAddress().getPort(), gatewaySettings.iface(),
          viewers.port(), config.getString("shardcast.journal.kind"));
      return new Running(system, binding, viewers, lifecycle, media);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("node failed to start: " + e.getMessage(), e);
    }
  }
}
