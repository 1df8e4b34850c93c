package io.shardcast.cluster.viewer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OrderBodyTest {

  static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBodySplitAcrossReadsIsGatheredAndAPipelinedRequestAfterItIsLeft() {
    String json = "{\"orderId\":\"o-1\",\"qty\":1}";
    OrderBody body = new OrderBody(new PortRequest.Order("sale-1", json.length(), false, null));
    assertFalse(body.fill(bytes(json.substring(0, 9))));
    ByteBuffer rest = bytes(json.substring(9) + "POST /api/rooms/sale-1/orders HTTP/1.1\r\n");
    assertTrue(body.fill(rest));
    assertEquals("o-1", body.order().get("orderId").asText());
    assertEquals("POST /api/rooms/sale-1/orders HTTP/1.1\r\n", StandardCharsets.UTF_8.decode(rest).toString());
  }

  @Test
  void aBodyThatIsNotAJsonObjectOrARoomIdThatIsBadGetsA400() {
    OrderBody array = new OrderBody(new PortRequest.Order("sale-1", 2, false, null));
    assertTrue(array.fill(bytes("[]")));
    assertNull(array.order());
    assertEquals(400, array.refusal().status());
    assertTrue(array.refusal().body().contains("BAD_JSON"));

    OrderBody empty = new OrderBody(new PortRequest.Order("sale-1", 0, false, null));
    assertTrue(empty.fill(bytes("")));
    assertNull(empty.order());

    OrderBody badRoom = new OrderBody(new PortRequest.Order("bad.id", 2, false, null));
    assertTrue(badRoom.fill(bytes("{}")));
    assertNull(badRoom.order());
    assertTrue(badRoom.refusal().body().contains("BAD_ROOM_ID"));
  }
}
