package io.shardcast.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.shardcast.testkit.load.RestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viewer page on a cluster whose viewers are a platform's signed users: the page takes the
 * token from its URL's fragment, comments and buys as the token's subject, and a page with an
 * expired or forged token says so and offers nothing.
 */
class PlatformViewerPageTest {

  static final String SECRET = "the-platform-shares-this-secret-with-shardcast";

  @TempDir static Path dataDir;
  static BrowserCluster env;

  @BeforeAll
  static void start() throws Exception {
    env = BrowserCluster.start(1, dataDir, "platform-viewer-page", List.of("-Dshardcast.access.viewers=platform",
        "-Dshardcast.access.platform.secret=" + SECRET));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  static String token(String user, long expiresInMillis, String secret) throws Exception {
    long now = System.currentTimeMillis();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(user)
        .audience("shardcast").issueTime(new Date(now - 1000)).expirationTime(new Date(now + expiresInMillis)).build());
    jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  @Test
  void aSignedViewerCommentsAndBuysAsItselfAndABadTokenIsSaid() throws Exception {
    String base = env.cluster().node(0).http();
    RestClient rest = new RestClient();
    // With platform viewers, rooms are the platform's to create (an operator with ops:write).
    JsonNode created = rest.post(base + "/api/rooms", env.cluster().opsToken(), "{\"title\":\"Signed in\"}").body();
    String room = created.path("roomId").asText();
    String host = created.path("hostToken").asText();
    assertEquals(200, rest.post(base + "/api/rooms/" + room + "/products", host,
        "{\"productId\":\"p\",\"name\":\"Tea\",\"priceCents\":800,\"stock\":9}").status());
    assertEquals(200, rest.post(base + "/api/rooms/" + room + "/flash-sales", host,
        "{\"saleId\":\"s1\",\"productId\":\"p\",\"quantity\":3,\"perUserLimit\":1,\"revealInMs\":0}").status());

    try (BrowserContext context = env.chromium().viewer("en-US")) {
      Page page = context.newPage();
      page.navigate(base + "/live/" + room + "#token=" + token("buyer-7", 600_000, SECRET));
      page.waitForFunction("() => document.querySelector('[data-testid=status]')?.textContent === 'LIVE'", null,
          ViewerPageTest.WITHIN_30_S);
      page.locator("[data-testid=say]").fill("hello from the app");
      page.locator("[data-testid=send]").click();
      page.waitForFunction("() => document.querySelector('[data-testid=chat]')?.textContent"
          + ".includes('buyer-7 hello from the app')", null, ViewerPageTest.WITHIN_30_S);
      page.waitForFunction("() => document.querySelector('[data-testid=buy]')?.disabled === false", null,
          ViewerPageTest.WITHIN_30_S);
      page.locator("[data-testid=buy]").click();
      page.waitForFunction("() => document.querySelector('[data-testid=order-result]')?.textContent"
          + " === 'Order confirmed'", null, ViewerPageTest.WITHIN_30_S);
      JsonNode orders = rest.get(base + "/api/rooms/" + room + "/orders?saleId=s1", host).body();
      assertEquals("buyer-7", orders.path("orders").get(0).path("userId").asText(), orders.toString());

      for (String[] bad : List.of(new String[] {token("buyer-8", -60_000, SECRET), "TOKEN_EXPIRED"},
          new String[] {token("buyer-9", 600_000, "another-secret-that-is-long-enough-for-hs256"), "TOKEN_INVALID"})) {
        Page refused = context.newPage();
        refused.navigate(base + "/live/" + room + "#token=" + bad[0]);
        refused.waitForSelector("[data-testid=token-problem]");
        String said = refused.locator("[data-testid=token-problem]").textContent();
        assertTrue(said.contains(bad[1]), said);
        assertEquals(0, refused.locator("[data-testid=buy]").count(), "nothing to buy with a refused token");
      }
    }
  }
}
