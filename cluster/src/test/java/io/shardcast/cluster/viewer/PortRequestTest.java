package io.shardcast.cluster.viewer;

import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.wire.HttpRequestHead;
import org.junit.jupiter.api.Test;

class PortRequestTest {

  static final String UPGRADE = "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13";

  static PortRequest check(String head) {
    return PortRequest.of(HttpRequestHead.parse(head), 4096);
  }

  static String refusal(String head) {
    PortRequest req = check(head);
    assertInstanceOf(PortRequest.Refused.class, req, head);
    PortRequest.Refused r = (PortRequest.Refused) req;
    return r.status() + " " + r.code();
  }

  @Test
  void aViewerUpgradeNamesTheRoomTheViewerAndWhereItResumes() {
    assertEquals(new PortRequest.Watch("sale-1", "u7", null, -1, "dGhlIHNhbXBsZSBub25jZQ=="),
        check("GET /ws/rooms/sale-1?user=u7 HTTP/1.1\r\n" + UPGRADE));
    assertEquals(new PortRequest.Watch("sale-1", "u7", null, 42, "dGhlIHNhbXBsZSBub25jZQ=="),
        check("GET /ws/rooms/sale-1?user=u7&since=42 HTTP/1.1\r\n" + UPGRADE));
  }

  @Test
  void aViewerTokenComesFromTheQueryAsBrowsersSendItOrFromTheAuthorizationHeader() {
    assertEquals(new PortRequest.Watch("sale-1", null, "eyJ.a.b", -1, "dGhlIHNhbXBsZSBub25jZQ=="),
        check("GET /ws/rooms/sale-1?token=eyJ.a.b HTTP/1.1\r\n" + UPGRADE));
    assertEquals(new PortRequest.Watch("sale-1", "u7", "eyJ.c.d", 3, "dGhlIHNhbXBsZSBub25jZQ=="),
        check("GET /ws/rooms/sale-1?user=u7&since=3 HTTP/1.1\r\nAuthorization: Bearer eyJ.c.d\r\n" + UPGRADE));
    assertEquals(new PortRequest.Order("sale-1", 2, false, "eyJ.e.f"),
        check("POST /api/rooms/sale-1/orders HTTP/1.1\r\nContent-Length: 2\r\nAuthorization: Bearer eyJ.e.f"));
    // Who the token names is checked next, against the node's access settings: never printed.
    assertFalse(check("GET /ws/rooms/sale-1?token=eyJ.a.b HTTP/1.1\r\n" + UPGRADE).toString().contains("eyJ"));
  }

  @Test
  void aBadUpgradeIsRefusedWithTheStatusAndCodeTheClientReads() {
    assertEquals("400 BAD_USER", refusal("GET /ws/rooms/sale-1?user=a%20b HTTP/1.1\r\n" + UPGRADE));
    assertEquals("400 BAD_ROOM_ID", refusal("GET /ws/rooms/sale.1?user=u HTTP/1.1\r\n" + UPGRADE));
    assertEquals("400 BAD_SINCE", refusal("GET /ws/rooms/r?user=u&since=x HTTP/1.1\r\n" + UPGRADE));
    assertEquals("400 BAD_SINCE", refusal("GET /ws/rooms/r?user=u&since=-2 HTTP/1.1\r\n" + UPGRADE));
    assertEquals("405 METHOD_NOT_ALLOWED", refusal("POST /ws/rooms/r?user=u HTTP/1.1\r\n" + UPGRADE));
    assertEquals("400 NOT_WEBSOCKET", refusal("GET /ws/rooms/r?user=u HTTP/1.1\r\nHost: x"));
    assertEquals("426 BAD_WEBSOCKET_VERSION",
        refusal("GET /ws/rooms/r?user=u HTTP/1.1\r\n" + UPGRADE.replace("Version: 13", "Version: 8")));
    assertEquals("404 NOT_FOUND", refusal("GET /elsewhere HTTP/1.1\r\nHost: x"));
    assertEquals("400 BAD_REQUEST", refusal("GET /ws/rooms/r?user=u SPDY/3\r\n" + UPGRADE));
  }

  @Test
  void anOrderHeadCarriesItsLengthAndWhetherTheClientCloses() {
    assertEquals(new PortRequest.Order("sale-1", 12, false, null),
        check("POST /api/rooms/sale-1/orders HTTP/1.1\r\nContent-Length: 12"));
    assertEquals(new PortRequest.Order("sale-1", 0, true, null),
        check("POST /api/rooms/sale-1/orders HTTP/1.1\r\nContent-Length: 0\r\nConnection: close"));
    // A bad room id is answered after the body, so the keep-alive connection survives it.
    assertEquals(new PortRequest.Order("bad.id", 2, false, null),
        check("POST /api/rooms/bad.id/orders HTTP/1.1\r\nContent-Length: 2"));
  }

  @Test
  void anOrderWithoutAUsableLengthIsRefused() {
    assertEquals("405 METHOD_NOT_ALLOWED", refusal("GET /api/rooms/r/orders HTTP/1.1\r\nHost: x"));
    assertEquals("411 LENGTH_REQUIRED", refusal("POST /api/rooms/r/orders HTTP/1.1\r\nHost: x"));
    assertEquals("411 LENGTH_REQUIRED",
        refusal("POST /api/rooms/r/orders HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5"));
    assertEquals("411 LENGTH_REQUIRED", refusal("POST /api/rooms/r/orders HTTP/1.1\r\nContent-Length: five"));
    assertEquals("413 BODY_TOO_LARGE", refusal("POST /api/rooms/r/orders HTTP/1.1\r\nContent-Length: 4097"));
  }
}
