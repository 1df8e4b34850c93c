package io.shardcast.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.load.Viewer;
import io.shardcast.testkit.media.Ffmpeg;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sale's "the link is live" in step with the video. The host's camera (ffmpeg, publishing to
 * node 1) turns green every four seconds; the sale's revealAt is set to the instant a green frame
 * is taken, as a host saying "3, 2, 1, the link is live" on camera would. Viewer pages on both
 * nodes play the room (three over WebRTC, one over WebSocket-FLV) and open their buy button with the frame the sale opened on: not a second
 * earlier, when the socket's clock says revealAt while the video still shows the countdown, and
 * not later. Each page reads every presented frame's colour (requestVideoFrameCallback and a
 * canvas) and notes when the first green frame of each period reaches the screen. The skew between
 * that frame and the button (both on the page's performance.now()) is written per round to
 * {@code target/bench/video-synced-sale.json}, with the baseline: where the button would have
 * opened by the cluster's clock alone. BENCHMARKS.md reports p50/p99.
 */
class VideoSyncedSaleTest {

  static final int ROUNDS = Integer.getInteger("shardcast.bench.rounds", 3);
  static final int PERIOD_MS = 4_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  @TempDir static Path work;
  static BrowserCluster env;
  static LocalCluster cluster;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    env = BrowserCluster.start(2, dataDir, "video-synced-sale");
    cluster = env.cluster();
    chromium = env.chromium();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /** Notes, for each presented frame that turns the picture green, when it reached the screen and its media time. */
  private static final String GREEN_ONSETS = """
      () => {
        const v = document.querySelector('video');
        const c = document.createElement('canvas');
        c.width = 8; c.height = 8;
        const g = c.getContext('2d', { willReadFrequently: true });
        window.onsets = [];
        let wasGreen = null;
        const step = (now, meta) => {
          g.drawImage(v, 0, 0, 8, 8);
          const [r, gr, b] = g.getImageData(4, 4, 1, 1).data;
          const green = gr > r + 50 && gr > b + 50;
          const s = window.shardcast.sync;
          if (green && wasGreen === false && s.base !== null) {
            const at = meta.expectedDisplayTime ?? now;
            window.onsets.push({ perf: at, mediaTs: Math.round(window.shardcast.frameSeconds(v, meta) * 1000 + s.base),
              cluster: window.shardcast.clock.now() + (at - performance.now()) });
          }
          wasGreen = green;
          v.requestVideoFrameCallback(step);
        };
        v.requestVideoFrameCallback(step);
      }""";

  @Test
  void theBuyButtonOpensWithTheFrameTheHostSaysTheLinkIsLiveOn() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    LocalCluster.Node other = cluster.node(1);
    RoomScript room = new RoomScript(other.http()).create("Green means go");
    room.host("products", RoomScript.body().put("productId", "p").put("name", "Lamp").put("priceCents", 4900)
        .put("stock", 1000));
    Process publisher = Ffmpeg.publishFlashing(origin.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(),
        "640x360", 25, 25, PERIOD_MS / 1000, work.resolve("publisher.log"));
    List<BrowserContext> contexts = new ArrayList<>();
    List<Page> pages = new ArrayList<>();
    ArrayNode rounds = JSON.createArrayNode();
    Viewer socket = null;
    try {
      // Three pages over WebRTC (the page's choice), on both nodes, and one over WebSocket-FLV beside them.
      List<String> transports = List.of("webrtc", "webrtc", "webrtc", "flv");
      List<LocalCluster.Node> nodes = List.of(other, other, origin, other);
      for (int i = 0; i < nodes.size(); i++) {
        BrowserContext c = chromium.viewer("en-US");
        contexts.add(c);
        Page p = c.newPage();
        p.navigate(nodes.get(i).http() + "/live/" + room.roomId() + (transports.get(i).equals("flv") ? "#transport=flv" : ""));
        pages.add(p);
      }
      for (Page p : pages) {
        p.waitForFunction("() => window.shardcast.sync.active(performance.now())"
            + " && window.shardcast.clock.samples.length >= 4", null, ViewerPageTest.WITHIN_30_S);
        p.evaluate(GREEN_ONSETS);
      }
      for (int i = 0; i < pages.size(); i++) {
        assertEquals(transports.get(i), pages.get(i).evaluate("() => window.shardcast.transport"),
            "page " + i + ": " + pages.get(i).evaluate("() => window.shardcast.webrtcError"));
      }
      // The room's clock: where the stream stood when a comment was made.
      socket = new Viewer("clock-reader", null, true).connect(HttpClient.newHttpClient(), room.joinBase(),
          room.roomId(), -1).get();
      JsonNode comment = null;
      long until = System.currentTimeMillis() + 20_000;
      while (comment == null) {
        assertTrue(System.currentTimeMillis() < until, "comments carry the media time: " + socket.frames());
        socket.comment("when?");
        Thread.sleep(300);
        comment = lastComment(socket);
      }
      long commentAt = comment.path("at").asLong();
      long commentMediaTs = comment.path("mediaTs").asLong();
      // The green periods' phase, as the first page saw it.
      pages.get(0).waitForFunction("() => window.onsets.length > 0", null, ViewerPageTest.WITHIN_30_S);
      long phase = ((Number) pages.get(0).evaluate("() => window.onsets[0].mediaTs")).longValue();

      for (int round = 1; round <= ROUNDS; round++) {
        String sale = "s" + round;
        // The next green frame at least three seconds away: the sale reveals on it.
        long nowMedia = commentMediaTs + (System.currentTimeMillis() - commentAt);
        long onset = phase + Math.floorDiv(nowMedia + 3_000 - phase + PERIOD_MS - 1, PERIOD_MS) * PERIOD_MS;
        long revealAt = commentAt + (onset - commentMediaTs);
        room.host("flash-sales", RoomScript.body().put("saleId", sale).put("productId", "p").put("quantity", 100)
            .put("perUserLimit", 1).put("revealAt", revealAt));
        ArrayNode samples = JSON.createArrayNode();
        for (int i = 0; i < pages.size(); i++) {
          Page p = pages.get(i);
          p.waitForFunction("s => window.shardcast.buyEnabledPerf[s] !== undefined", sale, ViewerPageTest.WITHIN_30_S);
          p.waitForFunction("m => window.onsets.some(o => Math.abs(o.mediaTs - m) <= 60)", (double) onset,
              ViewerPageTest.WITHIN_30_S);
          @SuppressWarnings("unchecked")
          Map<String, Object> seen = (Map<String, Object>) p.evaluate("([s, m]) => ({ button: "
              + "window.shardcast.buyEnabledPerf[s], onset: window.onsets.find(o => Math.abs(o.mediaTs - m) <= 60) })",
              List.of(sale, (double) onset));
          double button = ((Number) seen.get("button")).doubleValue();
          @SuppressWarnings("unchecked")
          Map<String, Object> frame = (Map<String, Object>) seen.get("onset");
          double skew = button - ((Number) frame.get("perf")).doubleValue();
          double clockOnly = revealAt - ((Number) frame.get("cluster")).doubleValue();
          samples.addObject().put("page", i).put("transport", transports.get(i)).put("skewMs", skew).put("clockOnlySkewMs", clockOnly);
          // What a viewer notices: the button with the green frame, not while the video still counts down.
          assertTrue(skew >= -150 && skew <= 1_000, "page " + i + " round " + round + ": the button opened " + skew
              + " ms from the frame the link went live on (by the clock alone: " + clockOnly + " ms)");
        }
        ObjectNode r = rounds.addObject().put("round", round).put("revealAt", revealAt).put("onsetMediaTs", onset);
        r.set("pages", samples);
        System.out.println("video-synced sale: " + r);
      }
    } finally {
      if (socket != null) {
        socket.close();
      }
      contexts.forEach(BrowserContext::close);
      publisher.destroyForcibly();
      Path out = Path.of("target", "bench", "video-synced-sale.json");
      Files.createDirectories(out.getParent());
      Files.writeString(out, rounds.toPrettyString());
    }
    assertNotNull(rounds.get(0));
  }

  private static JsonNode lastComment(Viewer viewer) throws Exception {
    JsonNode found = null;
    for (String f : viewer.frames()) {
      JsonNode n = JSON.readTree(f);
      for (JsonNode e : n.isArray() ? n : List.of(n)) {
        if ("comment".equals(e.path("type").asText()) && e.has("mediaTs") && e.has("at")) {
          found = e;
        }
      }
    }
    return found;
  }
}
