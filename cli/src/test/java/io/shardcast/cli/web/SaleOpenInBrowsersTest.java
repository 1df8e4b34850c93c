package io.shardcast.cli.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RoomScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten viewer pages, their gateways on three nodes, wait for the same flash sale: every page opens
 * its buy button, none before {@code revealAt}. How far apart they open (the fairness the product
 * promises real viewers) is measured, not asserted: each round goes to
 * {@code target/bench/sale-open-browsers.json} and BENCHMARKS.md reports it, beside the same
 * pages' arrival of the socket's {@code saleOpen} event (a page that waited for it). All pages share this
 * machine's clock, which is also the nodes', so a page's own clock is the reference.
 */
class SaleOpenInBrowsersTest {

  static final int PAGES = 10;
  static final int ROUNDS = Integer.getInteger("shardcast.bench.rounds", 3);

  @TempDir static Path dataDir;
  static BrowserCluster env;
  static LocalCluster cluster;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    env = BrowserCluster.start(3, dataDir, "sale-open-browsers");
    cluster = env.cluster();
    chromium = env.chromium();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void tenPagesOnThreeNodesOpenTheBuyButtonAtRevealAtAndNoneBefore() throws Exception {
    RoomScript room = new RoomScript(cluster.node(0).http()).create("Fair sale");
    room.host("products", RoomScript.body().put("productId", "p").put("name", "Bag").put("priceCents", 100)
        .put("stock", 1000));
    List<BrowserContext> contexts = new ArrayList<>();
    List<Page> pages = new ArrayList<>();
    ArrayNode rounds = new ObjectMapper().createArrayNode();
    try {
      for (int i = 0; i < PAGES; i++) {
        BrowserContext c = chromium.viewer("en-US");
        contexts.add(c);
        Page p = c.newPage();
        p.navigate(cluster.node(i % 3).http() + "/live/" + room.roomId());
        pages.add(p);
      }
      for (Page p : pages) {
        // Connected, and the clock measured over a few exchanges.
        p.waitForFunction("() => window.shardcast.lastSeq >= 0 && window.shardcast.clock.samples.length >= 4", null,
            ViewerPageTest.WITHIN_30_S);
      }
      for (int round = 1; round <= ROUNDS; round++) {
        String sale = "s" + round;
        long revealAt = System.currentTimeMillis() + 5_000;
        room.host("flash-sales", RoomScript.body().put("saleId", sale).put("productId", "p").put("quantity", 100)
            .put("perUserLimit", 1).put("revealAt", revealAt));
        double[] opened = new double[PAGES];
        double[] arrived = new double[PAGES];
        double[] errors = new double[PAGES];
        for (int i = 0; i < PAGES; i++) {
          Page p = pages.get(i);
          try {
            p.waitForFunction("s => window.shardcast.buyEnabledLocal[s] !== undefined", sale,
                ViewerPageTest.WITHIN_30_S);
          } catch (RuntimeException e) {
            throw new AssertionError("page " + i + " of round " + round + " never opened its button: "
                + p.evaluate("() => JSON.stringify({node: window.shardcast.node, lastSeq: window.shardcast.lastSeq,"
                + " opened: window.shardcast.buyEnabledLocal, sale: document.querySelector('[data-testid=sale]')"
                + "?.textContent, status: document.querySelector('[data-testid=status]')?.textContent})"), e);
          }
          opened[i] = ((Number) p.evaluate("s => window.shardcast.buyEnabledLocal[s]", sale)).doubleValue() - revealAt;
          errors[i] = ((Number) p.evaluate("() => window.shardcast.clock.error")).doubleValue();
          p.waitForFunction("s => window.shardcast.saleOpenLocal[s] !== undefined", sale, ViewerPageTest.WITHIN_30_S);
          arrived[i] = ((Number) p.evaluate("s => window.shardcast.saleOpenLocal[s]", sale)).doubleValue() - revealAt;
          // Before revealAt by more than the clock's own error bound (and a millisecond of rounding on
          // each side of the exchange) would be unfair.
          assertTrue(opened[i] >= -errors[i] - 2, "page " + i + " opened " + (-opened[i]) + " ms before revealAt");
        }
        Arrays.sort(opened);
        Arrays.sort(arrived);
        ObjectNode r = rounds.addObject().put("round", round).put("pages", PAGES)
            .put("firstMs", opened[0]).put("medianMs", opened[PAGES / 2]).put("lastMs", opened[PAGES - 1])
            .put("spreadMs", opened[PAGES - 1] - opened[0])
            // The baseline: the same pages, had they opened the button when the socket's saleOpen arrived.
            .put("eventFirstMs", arrived[0]).put("eventLastMs", arrived[PAGES - 1])
            .put("eventSpreadMs", arrived[PAGES - 1] - arrived[0])
            .put("maxClockErrorMs", Arrays.stream(errors).max().orElse(0));
        System.out.println("sale-open in browsers: " + r);
      }
      // The ops dashboard shows this cluster as the CLI would: three nodes, the room, its sales.
      try (BrowserContext ops = chromium.viewer("en-US")) {
        Page refused = ops.newPage();
        refused.navigate(cluster.node(2).http() + "/ops#token=not-the-token");
        refused.waitForSelector("[data-testid=problem]");
        assertTrue(refused.locator("[data-testid=problem]").textContent().contains("TOKEN_INVALID"),
            refused.locator("[data-testid=problem]").textContent());
        Page dash = ops.newPage();
        dash.navigate(cluster.node(2).http() + "/ops#token=" + cluster.opsToken());
        dash.waitForFunction("room => document.querySelectorAll('[data-testid=nodes] tbody tr').length === 3"
            + " && document.querySelector('[data-testid=rooms]')?.textContent.includes(room)"
            + " && document.querySelectorAll('.chart canvas').length === 3", room.roomId(), ViewerPageTest.WITHIN_30_S);
        assertTrue(!dash.url().contains("token="), "the token leaves the address bar: " + dash.url());
        // A room's numbers by platform open from its row.
        dash.locator("[data-testid='room-" + room.roomId() + "']").click();
        dash.waitForFunction("room => document.querySelector('[data-testid=platform-numbers] h2')?.textContent"
            + ".includes(room)", room.roomId(), ViewerPageTest.WITHIN_30_S);
        // The charts start with the minutes before the page opened, as the autoscaler saw them.
        io.shardcast.testkit.load.RestClient rest = new io.shardcast.testkit.load.RestClient();
        String history = cluster.node(1).http() + "/api/ops/v1/autoscaler/history?after=0";
        assertTrue(rest.get(history).status() == 401, "the history is for operators");
        JsonNode samples = rest.get(history, cluster.opsToken()).body();
        assertTrue(samples.path("history").size() >= 2
            && samples.path("history").get(samples.path("history").size() - 1).path("nodes").size() == 3,
            samples.toString());
        try {
          dash.waitForFunction("() => window.shardcastOps.samples.samples[0]?.at < window.shardcastOps.openedAt - 10000",
              null, ViewerPageTest.WITHIN_30_S);
        } catch (RuntimeException e) {
          throw new AssertionError("the dashboard's first sample: " + dash.evaluate(
              "() => JSON.stringify({first: window.shardcastOps?.samples.samples[0]?.at, n: window.shardcastOps?.samples"
              + ".samples.length, opened: window.shardcastOps?.openedAt})"), e);
        }
        dash.setViewportSize(1100, 900);
        dash.waitForFunction("() => document.querySelector('.chart canvas')?.clientWidth > 700", null,
            ViewerPageTest.WITHIN_30_S); // the charts follow the page's width
        dash.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "ops-dashboard.png"))
            .setFullPage(true));
      }
    } finally {
      contexts.forEach(BrowserContext::close);
      Path out = Path.of("target", "bench", "sale-open-browsers.json");
      Files.createDirectories(out.getParent());
      Files.writeString(out, rounds.toPrettyString());
    }
  }
}
