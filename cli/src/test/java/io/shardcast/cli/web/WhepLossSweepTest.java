package io.shardcast.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.media.Ffmpeg;
import io.shardcast.testkit.media.LossProxy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loss benchmark of WebRTC playback: one room published by ffmpeg over RTMP to node 1 (25 fps),
 * played in Chromium over WHEP from node 2 through the loss proxy at each rate of
 * {@code -Dshardcast.bench.losses} (random loss each way, on every datagram, 5 ms added each way),
 * {@code -Dshardcast.bench.seconds} per rate, once with FEC offered and once without (the NACK-only
 * baseline, side by side). Per rate it records what the viewer notices: frames
 * shown against the frames the encoder made, freezes, the jitter buffer's delay, and what the
 * browser counted (NACKs, keyframe requests, packets never recovered). The figures go to
 * {@code target/bench/whep-loss.json}; BENCHMARKS.md reports them. Runs only when asked.
 */
@EnabledIfSystemProperty(named = "shardcast.bench.losses", matches = ".+")
class WhepLossSweepTest {

  static final int SECONDS = Integer.getInteger("shardcast.bench.seconds", 20);
  static final int FPS = 25;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  @TempDir static Path work;
  static BrowserCluster env;

  @BeforeAll
  static void start() throws Exception {
    env = BrowserCluster.start(2, dataDir, "whep-loss");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /** The inbound video's counters, with the jitter buffer's total delay. */
  static final String STATS = """
      async () => {
        const stats = await window.whep.pc.getStats();
        for (const s of stats.values()) {
          if (s.type === 'inbound-rtp' && s.kind === 'video') {
            return JSON.stringify({ shown: window.whep.v.getVideoPlaybackQuality().totalVideoFrames,
              decoded: s.framesDecoded ?? 0, dropped: s.framesDropped ?? 0, freezes: s.freezeCount ?? 0,
              frozenSeconds: s.totalFreezesDuration ?? 0, nacks: s.nackCount ?? 0, plis: s.pliCount ?? 0,
              lost: s.packetsLost ?? 0, received: s.packetsReceived ?? 0,
              jitterDelay: s.jitterBufferDelay ?? 0, emitted: s.jitterBufferEmittedCount ?? 0,
              fecReceived: s.fecPacketsReceived ?? 0, fecDiscarded: s.fecPacketsDiscarded ?? 0 });
          }
        }
        return '{}';
      }""";

  @Test
  void framesShownAtEachLossRate() throws Exception {
    LocalCluster.Node origin = env.cluster().node(0);
    LocalCluster.Node other = env.cluster().node(1);
    RoomScript room = new RoomScript(other.http()).create("WebRTC loss sweep");
    Process publisher = Ffmpeg.publishRtmp(origin.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(),
        "640x360", FPS, FPS, "600k", work.resolve("publisher.log"));
    ArrayNode rows = JSON.createArrayNode();
    try {
      for (String rate : System.getProperty("shardcast.bench.losses").split(",")) {
        double loss = Double.parseDouble(rate.trim());
        rows.add(run(other, room, loss, true));
        rows.add(run(other, room, loss, false));
      }
    } finally {
      publisher.destroyForcibly();
    }
    Path out = Path.of("target", "bench", "whep-loss.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(rows));
    System.out.println("WHEP loss sweep (" + SECONDS + " s per rate): " + rows);
  }

  private ObjectNode run(LocalCluster.Node node, RoomScript room, double loss, boolean fec) throws Exception {
    try (LossProxy proxy = new LossProxy(new InetSocketAddress(node.host(), node.webrtcPort()),
        LossProxy.random(loss), 5, 27);
        BrowserContext context = env.chromium().viewer("en-US")) {
      Page page = context.newPage();
      page.navigate(node.http() + "/api/rooms/" + room.roomId());
      InetSocketAddress via = proxy.address();
      String whep = node.media() + "/whep/" + room.roomId() + "|" + via.getHostString() + ":" + via.getPort()
          + (fec ? "" : "|nofec");
      String started = (String) page.evaluate(WhepPlaybackTest.WHEP, whep);
      for (long until = System.nanoTime() + 30_000_000_000L; !"ok".equals(started) && System.nanoTime() < until; ) {
        page.waitForTimeout(250); // the room is not live yet
        started = (String) page.evaluate(WhepPlaybackTest.WHEP, whep);
      }
      assertEquals("ok", started);
      page.waitForFunction("() => window.whep.v.getVideoPlaybackQuality().totalVideoFrames > 25", null,
          ViewerPageTest.WITHIN_30_S);
      JsonNode before = JSON.readTree((String) page.evaluate(STATS));
      long from = System.nanoTime();
      page.waitForTimeout(SECONDS * 1000.0);
      JsonNode after = JSON.readTree((String) page.evaluate(STATS));
      double elapsed = (System.nanoTime() - from) / 1e9;
      page.evaluate("base => fetch(base + window.whep.location, { method: 'DELETE' })", node.media());
      ObjectNode row = JSON.createObjectNode();
      row.put("loss", loss);
      row.put("repair", fec ? "NACK and FEC" : "NACK only");
      row.put("seconds", Math.round(elapsed * 10) / 10.0);
      row.put("framesMade", Math.round(elapsed * FPS));
      for (String k : new String[] {"shown", "decoded", "dropped", "freezes", "nacks", "plis", "lost", "received",
          "fecReceived", "fecDiscarded"}) {
        row.put(k, after.path(k).asLong() - before.path(k).asLong());
      }
      row.put("frozenSeconds", Math.round((after.path("frozenSeconds").asDouble() - before.path("frozenSeconds").asDouble()) * 100) / 100.0);
      double emitted = after.path("emitted").asDouble() - before.path("emitted").asDouble();
      row.put("jitterBufferMs", emitted == 0 ? 0
          : Math.round((after.path("jitterDelay").asDouble() - before.path("jitterDelay").asDouble()) / emitted * 1000));
      row.put("proxyDropped", proxy.dropped());
      row.put("proxyForwarded", proxy.forwarded());
      return row;
    }
  }
}
