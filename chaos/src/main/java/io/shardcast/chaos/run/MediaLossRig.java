package io.shardcast.chaos.run;

import io.shardcast.chaos.history.History;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RestClient;
import io.shardcast.testkit.media.Ffmpeg;
import io.shardcast.testkit.media.LossProxy;
import io.shardcast.testkit.media.RtpPlayer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The media-loss scenario's rig: ffmpeg publishing the room to node 1 over RTMP, and on every node
 * an RTP player behind a loss proxy of its own, all of whose loss {@link #lose} sets at once.
 */
final class MediaLossRig implements AutoCloseable {

  static final LossProxy.Model NO_LOSS = r -> false;
  private static final int FPS = 25;
  private static final long DELAY_MS = 10;
  private static final long JITTER_MS = 250;
  private static final long LIVE_TIMEOUT_MS = 30_000;
  private static final long LIVE_POLL_MS = 200;
  /** Long enough for a first keyframe once the room is live. */
  private static final long FIRST_KEYFRAME_MS = 1500;

  private final Path dir;
  private final long seed;
  private final RunLog log;
  private volatile LossProxy.Model loss = NO_LOSS;
  private Process publisher;
  private final List<LossProxy> proxies = new ArrayList<>();
  private final List<RtpPlayer> players = new ArrayList<>();
  private final List<Long> playerStarts = new ArrayList<>();

  /** A rig writing its publisher's log to {@code dir}, its proxies' randomness seeded from {@code seed}. */
  MediaLossRig(Path dir, long seed, RunLog log) {
    this.dir = dir;
    this.seed = seed;
    this.log = log;
  }

  /** Publishes room {@code roomId} to the first node, waits until it is live, then starts the players. */
  void start(LocalCluster cluster, RestClient rest, String roomId, String hostToken) throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    Path publisherLog = dir.resolve("media-publisher.log");
    publisher = Ffmpeg.publishRtmp(origin.rtmp() + "/" + roomId + "?token=" + hostToken, "640x360", FPS, FPS,
        "600k", publisherLog);
    long until = System.currentTimeMillis() + LIVE_TIMEOUT_MS;
    while (!rest.get(origin.http() + "/api/rooms/" + roomId + "/media", cluster.opsToken()).body().path("live").asBoolean()) {
      if (System.currentTimeMillis() > until || !publisher.isAlive()) {
        throw new IllegalStateException("the media publisher did not go live: " + Files.readString(publisherLog));
      }
      Thread.sleep(LIVE_POLL_MS);
    }
    Thread.sleep(FIRST_KEYFRAME_MS);
    LossProxy.Model model = r -> loss.drop(r);
    for (LocalCluster.Node node : cluster.nodes()) {
      LossProxy proxy = new LossProxy(new InetSocketAddress(node.host(), node.rtpPort()), model, DELAY_MS,
          seed + node.index());
      proxies.add(proxy);
      players.add(new RtpPlayer(proxy.address(), roomId, JITTER_MS));
      playerStarts.add(System.currentTimeMillis());
    }
    log.say("media: published to node-1, an RTP player on every node behind a loss proxy (" + DELAY_MS
        + " ms each way)");
  }

  /** Every player's path loses packets as {@code model} says, until the next call. */
  void lose(LossProxy.Model model) {
    loss = model;
  }

  /** Each player's tally, for the media checker. */
  void record(History history) {
    long now = System.currentTimeMillis();
    for (int i = 0; i < players.size(); i++) {
      RtpPlayer p = players.get(i);
      long seconds = (now - playerStarts.get(i)) / 1000;
      history.add(History.record("media").put("player", FaultLog.node(i)).put("complete", p.videoFramesComplete())
          .put("incomplete", p.videoFramesDropped()).put("expected", seconds * FPS)
          .put("rebuilt", p.receiver().recovered()).put("retransmitted", p.receiver().retransmitted())
          .put("proxyDropped", proxies.get(i).dropped()));
    }
  }

  /** Stops the players, the proxies and the publisher; safe to call twice. */
  @Override
  public void close() {
    for (RtpPlayer p : players) {
      try {
        p.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    players.clear();
    for (LossProxy proxy : proxies) {
      try {
        proxy.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    proxies.clear();
    if (publisher != null) {
      publisher.destroyForcibly();
      publisher = null;
    }
  }
}
