package io.shardcast.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a listener reads from a request head, as a client sends it. */
class HttpRequestHeadTest {

  private static HttpRequestHead parse(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    int end = HttpRequestHead.indexOfEnd(bytes, 0, bytes.length);
    assertTrue(end >= 0, "a complete head");
    return HttpRequestHead.parse(bytes, end);
  }

  @Test
  void aViewersUpgradeRequestGivesItsPathQueryAndHeaders() {
    HttpRequestHead req = parse("GET /ws/rooms/r%2D1?user=alice&since=42&user=mallory HTTP/1.1\r\n"
        + "Host: node:8180\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    assertTrue(req.isHttp());
    assertEquals("GET", req.method());
    assertEquals("r-1", req.segment("/ws/rooms/", ""));
    assertEquals("alice", req.query().get("user"), "the first of a repeated parameter wins");
    assertEquals("42", req.query().get("since"));
    assertTrue(WebSocket.isUpgrade(req), "header names and tokens are matched ignoring case");
    assertFalse(req.wantsClose());
  }

  @Test
  void pathSegmentsAreFoundOnlyInTheirPlace() {
    HttpRequestHead order = parse("POST /api/rooms/r1/orders HTTP/1.1\r\nContent-Length: 2\r\n\r\n");
    assertEquals("r1", order.segment("/api/rooms/", "/orders"));
    assertNull(order.segment("/ws/rooms/", ""));
    assertNull(parse("POST /api/rooms/a/b/orders HTTP/1.1\r\n\r\n").segment("/api/rooms/", "/orders"),
        "one segment, not a path");
    assertNull(parse("POST /api/rooms//orders HTTP/1.1\r\n\r\n").segment("/api/rooms/", "/orders"));
    assertNull(parse("GET /api/rooms/orders HTTP/1.1\r\n\r\n").segment("/api/rooms/", "/orders"));
  }

  @Test
  void repeatedHeadersAreJoinedAndHttp10AsksToClose() {
    HttpRequestHead req = parse("GET /x HTTP/1.0\r\nX-A: 1\r\nx-a: 2\r\n\r\n");
    assertEquals("1,2", req.header("x-a"));
    assertTrue(req.wantsClose());
    assertTrue(parse("GET /x HTTP/1.1\r\nConnection: Close\r\n\r\n").wantsClose());
  }

  @Test
  void bytesThatAreNotAnHttpRequestLineAreNotHttpAndDoNotThrow() {
    assertFalse(parse("\u0016\u0003\u0001 not http at all\r\n\r\n").isHttp());
    assertFalse(parse("GET /only-two-parts\r\n\r\n").isHttp());
    assertFalse(parse("GET / SPDY/3\r\n\r\n").isHttp());
  }

  @Test
  void aMalformedEscapeIsKeptAsSentForTheIdCheckToRefuse() {
    HttpRequestHead req = parse("GET /ws/rooms/r1?user=%zz HTTP/1.1\r\n\r\n");
    assertEquals("%zz", req.query().get("user"));
  }

  @Test
  void theEndOfAHeadIsFoundAcrossReads() {
    byte[] bytes = "GET / HTTP/1.1\r\nA: b\r\n\r\nbody".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(-1, HttpRequestHead.indexOfEnd(bytes, 0, 23), "not all of the blank line yet");
    assertEquals(20, HttpRequestHead.indexOfEnd(bytes, 18, bytes.length));
  }
}
