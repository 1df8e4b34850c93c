package io.shardcast.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RestClient;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.media.Ffmpeg;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viewer page in Debian's Chromium against a real two-node cluster: the host publishes with
 * ffmpeg to node 1, viewers open {@code /live/<roomId>} on node 2, watch, chat, and buy in a flash
 * sale whose button opens on the cluster's clock.
 */
class ViewerPageTest {

  @TempDir static Path dataDir;
  @TempDir static Path work;
  static BrowserCluster env;
  static LocalCluster cluster;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    env = BrowserCluster.start(2, dataDir, "viewer-page");
    cluster = env.cluster();
    chromium = env.chromium();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /** The last {@code n} lines of {@code file} that contain {@code marker}. */
  static String lastLines(java.nio.file.Path file, String marker, int n) {
    try {
      List<String> lines = java.nio.file.Files.readAllLines(file).stream().filter(l -> l.contains(marker)).toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (java.io.IOException e) {
      return "(" + e.getMessage() + ")";
    }
  }

  static final Page.WaitForFunctionOptions WITHIN_30_S = new Page.WaitForFunctionOptions().setTimeout(30_000);

  @Test
  void aViewerOnAnotherNodeWatchesChatsAndBuysWhenTheSaleOpensOnTheClustersClock() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    LocalCluster.Node other = cluster.node(1);
    RoomScript room = new RoomScript(other.http()).create("Silk scarves");
    room.host("products", RoomScript.body().put("productId", "scarf").put("name", "Silk scarf")
        .put("priceCents", 12900).put("stock", 20));
    room.host("pin", RoomScript.body().put("productId", "scarf"));
    Process publisher = Ffmpeg.publishRtmp(origin.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(),
        "640x360", 25, 25, "600k", work.resolve("publisher.log"));
    try (BrowserContext a = chromium.viewer("en-US"); BrowserContext b = chromium.viewer("zh-CN")) {
      Page viewer = a.newPage();
      Response page = viewer.navigate(other.http() + "/live/" + room.roomId());
      assertEquals(200, page.status());
      assertTrue(page.headers().get("content-security-policy").contains("script-src 'self'"), page.headers().toString());

      // Frames decoded in the page, from the room published to the other node.
      viewer.waitForFunction("() => document.querySelector('[data-testid=status]')?.textContent === 'LIVE'", null,
          WITHIN_30_S);
      viewer.waitForFunction("() => { const v = document.querySelector('video');"
          + " return v && v.getVideoPlaybackQuality().totalVideoFrames > 25; }", null, WITHIN_30_S);
      // Over WebRTC (WHEP from the viewer's node), with the room's audio as an Opus track.
      assertEquals("webrtc", viewer.evaluate("() => window.shardcast.transport"));
      assertEquals(1, ((Number) viewer.evaluate("() => document.querySelector('video').srcObject.getAudioTracks().length"))
          .intValue());
      assertTrue(viewer.locator("[data-testid=pinned]").textContent().contains("Silk scarf"));

      // Another viewer's chat, hostile markup included, appears as text.
      Page second = b.newPage();
      second.navigate(other.http() + "/live/" + room.roomId());
      second.waitForFunction("() => document.querySelector('[data-testid=status]')?.textContent === '直播中'", null,
          WITHIN_30_S);
      String hostile = "<img src=x onerror=\"window.pwned=1\">hello";
      second.locator("[data-testid=say]").fill(hostile);
      second.locator("[data-testid=send]").click();
      viewer.waitForFunction("text => document.querySelector('[data-testid=chat]')?.textContent.includes(text)",
          hostile, WITHIN_30_S);
      assertEquals(0, ((Number) viewer.evaluate("() => document.querySelectorAll('[data-testid=chat] img').length"))
          .intValue());
      assertFalse((Boolean) viewer.evaluate("() => window.pwned === 1"));
      // An oversized comment arrives cut to the room's limit, and the page stays connected.
      second.locator("[data-testid=say]").fill("y".repeat(5000));
      second.locator("[data-testid=send]").click();
      viewer.waitForFunction("() => [...document.querySelectorAll('[data-testid=chat] li')].some(li => li.textContent"
          + ".includes('yyyy'))", null, WITHIN_30_S);
      int longest = ((Number) viewer.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=chat] li')]"
          + ".map(li => (li.textContent.match(/y+/) ?? [''])[0].length))")).intValue();
      assertTrue(longest > 0 && longest <= 200, "the comment is cut to the page's and the room's limit: " + longest);
      // A gift from the other viewer shows as a notice.
      second.locator("[data-testid=gift-rose]").click();
      viewer.waitForFunction("() => document.querySelector('.notice')?.textContent.includes('rose')", null, WITHIN_30_S);
      assertEquals("直播中", second.locator("[data-testid=status]").textContent(), "the zh page is still live");

      // The sale: a countdown, then the button opens at revealAt on the cluster's clock, and buys.
      long revealAt = System.currentTimeMillis() + 4_000;
      room.host("flash-sales", RoomScript.body().put("saleId", "s1").put("productId", "scarf").put("quantity", 5)
          .put("perUserLimit", 1).put("revealAt", revealAt));
      viewer.waitForFunction("() => document.querySelector('[data-testid=buy]')?.textContent.startsWith('Starts in')",
          null, WITHIN_30_S);
      assertTrue((Boolean) viewer.evaluate("() => document.querySelector('[data-testid=buy]').disabled"));
      viewer.waitForFunction("() => document.querySelector('[data-testid=buy]')?.disabled === false", null, WITHIN_30_S);
      double opened = ((Number) viewer.evaluate("() => window.shardcast.buyEnabledAt.s1")).doubleValue();
      assertTrue(opened >= revealAt - 100, "the button opened " + (revealAt - opened) + " ms before revealAt");
      viewer.locator("[data-testid=buy]").click();
      viewer.waitForFunction("() => document.querySelector('[data-testid=order-result]')?.textContent"
          + " === 'Order confirmed'", null, WITHIN_30_S);
      // What the viewer saw, kept with the build (docs/images/viewer-page.png is one of these).
      viewer.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "viewer-page.png")));
      String user = (String) viewer.evaluate("() => localStorage.getItem('shardcast.user')");
      JsonNode orders = room.confirmedOrders("s1");
      assertTrue(orders.toString().contains(user), "the host sees " + user + "'s order: " + orders);

      // The host console, on the origin node's gateway: the order, then a product added, pinned and
      // announced there, which the viewer's page shows.
      Page console = a.newPage();
      console.navigate(origin.http() + "/host/" + room.roomId() + "#token=" + room.hostToken());
      console.waitForFunction("user => document.querySelector('[data-testid=orders]')?.textContent.includes(user)",
          user, WITHIN_30_S);
      console.waitForFunction("() => Number(document.querySelector('[data-testid=viewers]')?.textContent) >= 2",
          null, WITHIN_30_S); // the two viewers' pages, counted over the nodes
      assertTrue(console.locator("[data-testid=publish]").textContent().contains(origin.rtmp()),
          console.locator("[data-testid=publish]").textContent());
      console.locator("[data-testid=add-product] input[name=productId]").fill("hat");
      console.locator("[data-testid=add-product] input[name=name]").fill("Straw hat");
      console.locator("[data-testid=add-product] input[name=price]").fill("59");
      console.locator("[data-testid=add-product] input[name=stock]").fill("5");
      console.locator("[data-testid=add-product] button").click();
      console.locator("[data-testid=pin-hat]").click();
      viewer.waitForFunction("() => document.querySelector('[data-testid=pinned]')?.textContent.includes('Straw hat')",
          null, WITHIN_30_S);
      console.locator("[data-testid=announce] input").fill("Free shipping tonight");
      console.locator("[data-testid=announce] button").click();
      viewer.waitForFunction("() => document.querySelector('[data-testid=announcement]')?.textContent"
          + " === 'Free shipping tonight'", null, WITHIN_30_S);
      console.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "host-console.png"))
          .setFullPage(true));

      // Its assets are cached for a year, its page revalidated.
      String script = (String) viewer.evaluate("() => document.querySelector('script[type=module]').src");
      APIResponse asset = a.request().get(script);
      assertEquals(200, asset.status());
      assertTrue(asset.headers().get("cache-control").contains("immutable"), asset.headers().toString());
      assertEquals("no-cache", page.headers().get("cache-control"));
    } finally {
      publisher.destroyForcibly();
    }
  }

  @Test
  void aPageWhoseNodeDrainsMovesToAnotherAndMissesNoEvent() throws Exception {
    LocalCluster.Node gateway = cluster.node(1);
    RoomScript room = new RoomScript(gateway.http()).create("Drained");
    room.host("products", RoomScript.body().put("productId", "p0").put("name", "First").put("priceCents", 100)
        .put("stock", 1));
    RestClient rest = new RestClient();
    LocalCluster.Node watched = null;
    // The host publishes to node 0. The drained node is whichever the page watches on: the origin
    // or the other; either way the video has to follow the page to a node that serves.
    Process publisher = Ffmpeg.publishRtmp(cluster.node(0).rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(),
        "640x360", 25, 25, "600k", work.resolve("drained.log"));
    try (BrowserContext context = chromium.viewer("en-US")) {
      Page page = context.newPage();
      page.navigate(gateway.http() + "/live/" + room.roomId());
      page.waitForFunction("() => window.shardcast.node && window.shardcast.lastSeq >= 0", null, WITHIN_30_S);
      page.waitForFunction("() => window.shardcast.transport === 'webrtc'"
          + " && document.querySelector('video').getVideoPlaybackQuality().totalVideoFrames > 25", null, WITHIN_30_S);
      String node = (String) page.evaluate("() => window.shardcast.node");
      String mediaNode = (String) page.evaluate("() => window.shardcast.mediaNode");
      for (LocalCluster.Node n : cluster.nodes()) {
        if (n.ws().endsWith("//" + node)) {
          watched = n;
        }
      }
      assertTrue(watched != null, "the page watches on a node of the cluster: " + node);

      // The node drains (to standby) while the host keeps announcing products.
      RestClient.Response drain = rest.post(gateway.http() + "/api/ops/v1/nodes/drain", cluster.opsToken(),
          "{\"node\":\"" + watched.address() + "\",\"then\":\"standby\"}");
      assertEquals(202, drain.status(), drain.body().toString());
      for (int i = 1; i <= 10; i++) {
        hostRetrying(room, "products", RoomScript.body().put("productId", "p" + i).put("name", "Product " + i)
            .put("priceCents", 100).put("stock", 1));
      }
      page.waitForFunction("node => window.shardcast.node && window.shardcast.node !== node", node, WITHIN_30_S);
      long last = room.snapshot().path("seq").asLong();
      page.waitForFunction("last => window.shardcast.lastSeq >= last", (double) last, WITHIN_30_S);
      assertEquals(0, ((Number) page.evaluate("() => window.shardcast.gaps")).intValue(),
          "every event arrived, in order, across the move");
      // The video moved too: a WebRTC session on a node that serves, whose frames keep coming.
      try {
        page.waitForFunction("m => window.shardcast.mediaNode !== m && window.shardcast.transport === 'webrtc'",
            mediaNode, WITHIN_30_S);
      } catch (RuntimeException e) {
        throw new AssertionError("the video did not follow the page from " + mediaNode + ": " + page.evaluate(
            "() => JSON.stringify({node: window.shardcast.node, mediaNode: window.shardcast.mediaNode, transport:"
            + " window.shardcast.transport, webrtcError: window.shardcast.webrtcError})"), e);
      }
      int frames = ((Number) page.evaluate("() => document.querySelector('video').getVideoPlaybackQuality()"
          + ".totalVideoFrames")).intValue();
      page.waitForFunction("n => document.querySelector('video').getVideoPlaybackQuality().totalVideoFrames > n + 25",
          (double) frames, WITHIN_30_S);
    } finally {
      publisher.destroyForcibly();
      if (watched != null) {
        awaitRole(rest, gateway, watched, "STANDBY");
        rest.post(gateway.http() + "/api/ops/v1/nodes/activate", cluster.opsToken(),
            "{\"node\":\"" + watched.address() + "\"}");
        awaitRole(rest, gateway, watched, "ACTIVE");
      }
    }
  }

  /** A host operation, retried while the room moves between nodes (503 TIMEOUT asks for a retry). */
  static void hostRetrying(RoomScript room, String op, com.fasterxml.jackson.databind.node.ObjectNode body)
      throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        room.host(op, body);
        return;
      } catch (IllegalStateException | java.io.IOException e) {
        if (attempt >= 10) {
          throw e;
        }
        Thread.sleep(300);
      }
    }
  }

  static void awaitRole(RestClient rest, LocalCluster.Node gateway, LocalCluster.Node node, String role)
      throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      for (JsonNode n : rest.get(gateway.http() + "/api/ops/v1/nodes", cluster.opsToken()).body().path("nodes")) {
        if (n.path("host").asText().equals(node.address()) && n.path("role").asText().equals(role)) {
          return;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError(node.address() + " did not become " + role);
  }

  @Test
  void theHostConsoleCreatesARoomAndOpensItWithItsHostToken() throws Exception {
    try (BrowserContext context = chromium.viewer("zh-CN")) {
      Page page = context.newPage();
      page.navigate(cluster.node(0).http() + "/host");
      page.locator("[data-testid=title]").fill("新品首发");
      page.locator("[data-testid=create]").click();
      page.waitForFunction("() => location.pathname.startsWith('/host/r-') && location.hash.startsWith('#token=')"
          + " && document.querySelector('h1')?.textContent === '新品首发'", null, WITHIN_30_S);
      // The host adds a platform to restream to: listed with its state, its key never shown back.
      page.locator("[data-testid=add-destination] input[name=platform]").fill("douyin");
      page.locator("[data-testid=add-destination] input[name=url]").fill("ftp://push.example/live");
      page.locator("[data-testid=add-destination] input[name=streamKey]").fill("a-secret-key");
      page.locator("[data-testid=add-destination] button").click();
      page.waitForFunction("() => document.querySelector('[data-testid=add-destination] .answer')?.textContent"
          + ".includes('rtmp://')", null, WITHIN_30_S);
      page.locator("[data-testid=add-destination] input[name=url]").fill("rtmp://push.example/live");
      page.locator("[data-testid=add-destination] button").click();
      page.waitForFunction("() => document.querySelector('[data-testid=destination-state-douyin]')?.textContent"
          + " === 'idle'", null, WITHIN_30_S);
      assertTrue(!page.locator("[data-testid=destinations]").textContent().contains("a-secret-key"));

      // Its chat secret is shown this once; a relay signing with it puts the platform's comments in the
      // one chat, marked, filtered by platform, and answered from the console.
      String secret = page.locator("[data-testid=chat-secret] code").textContent();
      // The assistant suggests to the host: a question the room's facts cannot answer (no product has
      // sizes) is listed for the host.
      page.locator("[data-testid=assistant-suggest]").click();
      page.waitForFunction("() => document.querySelector('[data-testid=assistant-suggest]')?.classList"
          + ".contains('chosen')", null, WITHIN_30_S);
      String roomId = page.url().replaceAll(".*/host/([^#]+)#.*", "$1");
      byte[] events = ("{\"events\":[{\"id\":\"d-1\",\"type\":\"comment\",\"user\":{\"id\":\"u9\","
          + "\"name\":\"小李\"},\"text\":\"有大码吗\"}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      long now = System.currentTimeMillis() / 1000;
      java.net.http.HttpResponse<String> relayed = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.node(0).http() + "/api/rooms/" + roomId
              + "/platform-events"))
              .header("Shardcast-Destination", "douyin").header("Shardcast-Timestamp", Long.toString(now))
              .header("Shardcast-Signature", io.shardcast.room.platform.PlatformSignature.sign(secret, roomId,
                  "douyin", now, events))
              .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(events)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, relayed.statusCode(), relayed.body());
      page.waitForFunction("() => [...document.querySelectorAll('[data-testid=host-chat] li[data-platform=douyin]')]"
          + ".some(li => li.textContent.includes('小李') && li.textContent.includes('有大码吗'))", null, WITHIN_30_S);
      page.waitForFunction("() => document.querySelector('[data-testid=assistant-questions]')?.textContent"
          + ".includes('有大码吗')", null, WITHIN_30_S);
      // The platform's comment counts in its numbers (read from the journal), beside the room's own.
      page.waitForFunction("() => document.querySelector('[data-testid=numbers-douyin]')?.children[3]?.textContent"
          + " === '1'", null, WITHIN_30_S);
      page.locator("[data-testid=chat-filter]").selectOption("-");
      page.waitForFunction("() => !document.querySelector('[data-testid=host-chat] li[data-platform=douyin]')", null,
          WITHIN_30_S);
      page.locator("[data-testid=chat-filter]").selectOption("douyin");
      page.locator("[data-testid=host-chat] li[data-platform=douyin] button[data-testid^=reply-]").click();
      page.locator("[data-testid=reply-text]").fill("有的，XL 还有");
      page.locator("[data-testid=reply] button[type=submit]").click();
      page.locator("[data-testid=chat-filter]").selectOption("");
      page.waitForFunction("() => document.querySelector('[data-testid=host-chat]').textContent.includes('有的，XL 还有')",
          null, WITHIN_30_S);
      Page without = context.newPage();
      without.navigate(cluster.node(0).http() + new java.net.URI(page.url()).getPath());
      without.waitForSelector("[data-testid=no-token]");
    }
  }

  @Test
  void aPageWhoseNodeRefusesWebRtcPlaysFlvInstead() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    RoomScript room = new RoomScript(origin.http()).create("No WebRTC here");
    Process publisher = Ffmpeg.publishRtmp(origin.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(),
        "640x360", 25, 25, "600k", work.resolve("refused.log"));
    try (BrowserContext context = chromium.viewer("en-US")) {
      Page page = context.newPage();
      // The node's answer to an offer this browser's codecs cannot meet, as WebRtcService gives it.
      page.route("**/whep/**", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
          .setStatus(406).setContentType("application/json").setHeaders(java.util.Map.of("Access-Control-Allow-Origin", "*"))
          .setBody("{\"code\":\"NO_USABLE_VIDEO\",\"message\":\"the offer has no H.264 to receive\"}")));
      page.navigate(cluster.node(1).http() + "/live/" + room.roomId());
      page.waitForFunction("() => { const v = document.querySelector('video');"
          + " return window.shardcast.transport === 'flv' && v.getVideoPlaybackQuality().totalVideoFrames > 25; }",
          null, WITHIN_30_S);
      assertTrue(String.valueOf(page.evaluate("() => window.shardcast.webrtcError")).contains("NO_USABLE_VIDEO"));
    } finally {
      publisher.destroyForcibly();
    }
  }

  @Test
  void theHostConsoleWarnsWhenTheEncoderSendsBFrames() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    RoomScript room = new RoomScript(origin.http()).create("Encoder with B-frames");
    Process publisher = Ffmpeg.publishRtmpWithBFrames(origin.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(),
        "640x360", 25, 25, "600k", work.resolve("b-frames.log"));
    // A viewer on the other node, so both nodes serve the room's media (the console asks /join's node).
    io.shardcast.testkit.media.FlvTap tap = null;
    try (BrowserContext context = chromium.viewer("en-US")) {
      long until = System.currentTimeMillis() + 30_000;
      while (tap == null) {
        try {
          tap = io.shardcast.testkit.media.FlvTap.open(java.net.http.HttpClient.newHttpClient(),
              cluster.node(1).media() + "/live/" + room.roomId() + ".flv");
        } catch (java.io.IOException notLiveYet) {
          assertTrue(System.currentTimeMillis() < until, "the room goes live: " + notLiveYet);
          Thread.sleep(200);
        }
      }
      Page console = context.newPage();
      console.navigate(origin.http() + "/host/" + room.roomId() + "#token=" + room.hostToken());
      console.waitForFunction("() => document.querySelector('[data-testid=b-frames]')?.textContent.includes('B-frames')",
          null, WITHIN_30_S);
    } finally {
      if (tap != null) {
        tap.close();
      }
      publisher.destroyForcibly();
    }
  }

  @Test
  void aViewerPinsALayerFromTheMenuAndFollowsTheHostsCameraOverWebRtc() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    RoomScript room = new RoomScript(origin.http()).create("Two layers");
    String publish = origin.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken();
    Process source = Ffmpeg.publishRtmp(publish + "&layer=source", "640x360", 25, 25, "600k", work.resolve("source.log"));
    Process low = Ffmpeg.publishRtmp(publish + "&layer=low", "320x180", 25, 25, "150k", work.resolve("low.log"));
    try (BrowserContext context = chromium.viewer("en-US")) {
      Page page = context.newPage();
      page.navigate(cluster.node(1).http() + "/live/" + room.roomId());
      // The menu lists the node's layers after "Auto", highest first once their rates are measured.
      page.waitForFunction("() => [...document.querySelectorAll('[data-testid=layers] option')].map(o => o.value)"
          + ".join(',') === ',source,low'", null, WITHIN_30_S);
      page.selectOption("[data-testid=layers]", "low");
      page.waitForFunction("() => document.querySelector('video').videoWidth === 320", null, WITHIN_30_S);
      assertEquals("webrtc", page.evaluate("() => window.shardcast.transport"), "a pinned layer stays on WebRTC");
      page.selectOption("[data-testid=layers]", "source");
      page.waitForFunction("() => document.querySelector('video').videoWidth === 640", null, WITHIN_30_S);

      // The host switches cameras: the WebRTC picture follows at the other camera's keyframe.
      Process second = Ffmpeg.publishRtmp(publish + "&camera=side", "480x270", 25, 25, "300k", work.resolve("side.log"));
      try {
        page.selectOption("[data-testid=layers]", "");
        // The viewers move once the side camera's stream is here, at its keyframe.
        hostRetrying(room, "camera", RoomScript.body().put("camera", "side"));
        try {
          page.waitForFunction("() => document.querySelector('video').videoWidth === 480", null, WITHIN_30_S);
        } catch (RuntimeException e) {
          // Say where the page and the nodes were (the origin's layers name the camera it has on the air).
          throw new AssertionError("the picture did not follow the camera switch: page " + page.evaluate(
              "() => JSON.stringify({ transport: window.shardcast.transport, node: window.shardcast.mediaNode,"
              + " width: document.querySelector('video').videoWidth, frames: document.querySelector('video')"
              + ".getVideoPlaybackQuality().totalVideoFrames })") + "; side camera: " + lastLines(work.resolve("side.log"),
              "", 3) + "; nodes: " + lastLines(origin.log(), "amera", 6) + " | " + lastLines(cluster.node(1).log(), "amera", 6)
              + " | " + lastLines(cluster.node(1).log(), "WHEP", 3) + "; layers here: "
              + new RestClient().get(cluster.node(1).media() + "/live/" + room.roomId() + "/layers").body()
              + ", at the origin: " + new RestClient().get(origin.media() + "/live/" + room.roomId() + "/layers").body(), e);
        }
        int frames = ((Number) page.evaluate("() => document.querySelector('video').getVideoPlaybackQuality()"
            + ".totalVideoFrames")).intValue();
        page.waitForFunction("n => document.querySelector('video').getVideoPlaybackQuality().totalVideoFrames > n + 25",
            (double) frames, WITHIN_30_S);
        assertEquals("webrtc", page.evaluate("() => window.shardcast.transport"));
      } finally {
        second.destroyForcibly();
      }
    } finally {
      source.destroyForcibly();
      low.destroyForcibly();
    }
    RestClient.Response notHere = new RestClient().get(origin.media() + "/live/nobody-here/layers");
    assertEquals(404, notHere.status());
    assertEquals("NOT_HERE", notHere.body().path("code").asText());
  }

  @Test
  void theHostTakesACommentOffTheChatAndMutesItsWriter() throws Exception {
    LocalCluster.Node node = cluster.node(0);
    RoomScript room = new RoomScript(node.http()).create("Moderated");
    try (BrowserContext a = chromium.viewer("en-US"); BrowserContext b = chromium.viewer("en-US")) {
      Page spammer = a.newPage();
      spammer.navigate(cluster.node(1).http() + "/live/" + room.roomId());
      Page viewer = b.newPage();
      viewer.navigate(node.http() + "/live/" + room.roomId());
      for (Page p : List.of(spammer, viewer)) {
        p.waitForFunction("() => document.querySelector('[data-testid=status]')?.textContent === 'LIVE'", null,
            WITHIN_30_S);
      }
      say(spammer, "cheap watches at spam.example");
      viewer.waitForFunction("() => document.querySelector('[data-testid=chat]')?.textContent.includes('spam.example')",
          null, WITHIN_30_S);

      Page console = a.newPage();
      console.navigate(node.http() + "/host/" + room.roomId() + "#token=" + room.hostToken());
      console.waitForFunction("() => document.querySelector('[data-testid=host-chat]')?.textContent"
          + ".includes('spam.example')", null, WITHIN_30_S);
      String seq = (String) console.evaluate("() => [...document.querySelectorAll('[data-testid=host-chat] li')]"
          + ".find(li => li.textContent.includes('spam.example')).dataset.seq");
      console.locator("[data-testid=remove-" + seq + "]").click();
      viewer.waitForFunction("() => !document.querySelector('[data-testid=chat]').textContent.includes('spam.example')",
          null, WITHIN_30_S);
      console.waitForFunction("() => !document.querySelector('[data-testid=host-chat]').textContent"
          + ".includes('spam.example')", null, WITHIN_30_S);

      // Muted from the console: the writer's page says so, and its next comment reaches nobody.
      say(spammer, "visit spam.example again");
      console.waitForFunction("() => document.querySelector('[data-testid=host-chat]')?.textContent"
          + ".includes('again')", null, WITHIN_30_S);
      String again = (String) console.evaluate("() => [...document.querySelectorAll('[data-testid=host-chat] li')]"
          + ".find(li => li.textContent.includes('again')).dataset.seq");
      console.locator("[data-testid=mute-" + again + "]").click();
      spammer.waitForSelector("[data-testid=muted]");
      console.waitForSelector("[data-testid=muted]");
      say(spammer, "muted but trying");
      say(viewer, "a real question");
      viewer.waitForFunction("() => document.querySelector('[data-testid=chat]')?.textContent.includes('a real question')",
          null, WITHIN_30_S);
      assertFalse(((String) viewer.locator("[data-testid=chat]").textContent()).contains("muted but trying"),
          "a muted viewer's comment, sent first, reached nobody");
    }
    // Refusals are JSON, and nobody but the host moderates.
    RestClient rest = new RestClient();
    RestClient.Response noToken = rest.delete(node.http() + "/api/rooms/" + room.roomId() + "/comments/1", null);
    assertEquals(401, noToken.status());
    RestClient.Response wrongToken = rest.delete(node.http() + "/api/rooms/" + room.roomId() + "/comments/1", "nope");
    assertEquals(403, wrongToken.status());
    RestClient.Response badSeq = rest.delete(node.http() + "/api/rooms/" + room.roomId() + "/comments/x",
        room.hostToken());
    assertEquals(400, badSeq.status());
    assertEquals("BAD_REQUEST", badSeq.body().path("code").asText(), badSeq.body().toString());
    RestClient.Response tooLong = rest.post(node.http() + "/api/rooms/" + room.roomId() + "/mutes", room.hostToken(),
        "{\"userId\":\"u1\",\"durationMs\":999999999999}");
    assertEquals(400, tooLong.status(), tooLong.body().toString());
  }

  private static void say(Page page, String text) {
    page.locator("[data-testid=say]").fill(text);
    page.locator("[data-testid=send]").click();
  }

  @Test
  void anUnknownAssetOrABadRoomIdIsAJsonError() throws Exception {
    RestClient rest = new RestClient();
    RestClient.Response missing = rest.get(cluster.node(0).http() + "/assets/nothing-here.js");
    assertEquals(404, missing.status());
    assertEquals("NOT_FOUND", missing.body().path("code").asText());
    RestClient.Response bad = rest.get(cluster.node(0).http() + "/live/bad%20room");
    assertEquals(400, bad.status());
    assertEquals("BAD_ROOM_ID", bad.body().path("code").asText());
  }
}
