package io.shardcast.cluster.media;

import com.typesafe.config.Config;
import io.shardcast.media.MediaHub;
import io.shardcast.media.play.PlayGate;
import io.shardcast.media.relay.AeronRelay;
import io.shardcast.media.serve.MediaServer;
import io.shardcast.media.serve.MediaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** A node's media plane: the hub of local tracks, the Aeron relay, the RTMP and HTTP-FLV server, the router. */
public record MediaPlane(MediaHub hub, AeronRelay relay, MediaServer server) implements AutoCloseable {

  /**
   * Starts it, serving the players {@code gate} lets watch. Media HTTP, RTP and WebRTC ports left 0 are the node's {@code gatewayPort} plus their
   * {@code shardcast.media.*-port-offset} (ephemeral when {@code gatewayPort} is 0); a relay port
   * left 0 is the Artery port plus {@code relay-port-offset}.
   */
  public static MediaPlane start(ActorSystem<?> system, Config config, String hostname, int gatewayPort,
      Duration askTimeout, PlayGate gate) throws IOException {
    Config media = config.getConfig("shardcast.media");
    MediaSettings settings = withNodePorts(MediaSettings.from(config), media, gatewayPort);
    if (settings.webrtcHost().isBlank()) {
      settings = settings.withWebrtcHost(hostname); // browsers reach the node where other nodes do
    }
    MediaHub hub = new MediaHub(settings.trackFrames());
    int relayPort = relayPort(config);
    Path shm = Path.of("/dev/shm");
    Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    Path dir = base.resolve("shardcast-aeron-" + ProcessHandle.current().pid() + "-" + relayPort);
    AeronRelay relay = new AeronRelay(hub, dir, settings.iface(), hostname, relayPort,
        (int) media.getBytes("relay-term-length").longValue());
    try {
      MediaRouter router = new MediaRouter(hub, relay, ClusterSharding.get(system), askTimeout);
      router.attach(system.systemActorOf(router.behavior(), "media-router", Props.empty()));
      return new MediaPlane(hub, relay, MediaServer.start(hub, router, settings, gate));
    } catch (IOException | RuntimeException e) {
      relay.close();
      throw e;
    }
  }

  /** {@code settings} with the media HTTP, RTP and WebRTC ports left 0 put above a fixed {@code gatewayPort}. */
  static MediaSettings withNodePorts(MediaSettings settings, Config media, int gatewayPort) {
    if (gatewayPort == 0) {
      return settings;
    }
    int http = settings.httpPort() == 0 ? gatewayPort + media.getInt("http-port-offset") : settings.httpPort();
    int rtp = settings.rtpPort() == 0 ? gatewayPort + media.getInt("rtp-port-offset") : settings.rtpPort();
    int webrtc = settings.webrtcPort() == 0 ? gatewayPort + media.getInt("webrtc-port-offset") : settings.webrtcPort();
    return settings.withPorts(settings.rtmpPort(), http, rtp, webrtc);
  }

  /** {@code shardcast.media.relay-port}, or when it is 0 the Artery port plus {@code relay-port-offset}. */
  static int relayPort(Config config) {
    int port = config.getInt("shardcast.media.relay-port");
    return port != 0 ? port
        : config.getInt("pekko.remote.artery.canonical.port") + config.getInt("shardcast.media.relay-port-offset");
  }

  @Override
  public void close() {
    server.close();
    relay.close();
  }
}
