package io.shardcast.cluster.media;

import com.typesafe.config.Config;
import io.shardcast.media.MediaHub;
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

  /** Starts it; {@code defaultHttpPort} applies when {@code shardcast.media.http-port} is 0. */
  public static MediaPlane start(ActorSystem<?> system, Config config, String hostname, int defaultHttpPort,
      Duration askTimeout) throws IOException {
    MediaSettings settings = MediaSettings.from(config);
    if (settings.httpPort() == 0) {
      settings = settings.withPorts(settings.rtmpPort(), defaultHttpPort);
    }
    if (settings.rtpPort() == 0 && defaultHttpPort != 0) {
      settings = settings.withPorts(settings.rtmpPort(), settings.httpPort(), defaultHttpPort + 100);
    }
    MediaHub hub = new MediaHub(settings.trackFrames());
    int relayPort = config.getInt("shardcast.media.relay-port");
    if (relayPort == 0) {
      relayPort = config.getInt("pekko.remote.artery.canonical.port") + 1000;
    }
    Path shm = Path.of("/dev/shm");
    Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    Path dir = base.resolve("shardcast-aeron-" + ProcessHandle.current().pid() + "-" + relayPort);
    AeronRelay relay = new AeronRelay(hub, dir, settings.iface(), hostname, relayPort,
        (int) config.getBytes("shardcast.media.relay-term-length").longValue());
    try {
      MediaRouter router = new MediaRouter(hub, relay, ClusterSharding.get(system), askTimeout);
      router.attach(system.systemActorOf(router.behavior(), "media-router", Props.empty()));
      return new MediaPlane(hub, relay, MediaServer.start(hub, router, settings));
    } catch (IOException | RuntimeException e) {
      relay.close();
      throw e;
    }
  }

  @Override
  public void close() {
    server.close();
    relay.close();
  }
}
