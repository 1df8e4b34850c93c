package io.shardcast.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Fuzzing of the HTTP and WebSocket parsers every node exposes on its viewer and media ports: no
 * bytes may make them throw. In the test command these run in regression mode (an empty input);
 * with {@code JAZZER_FUZZ=1} they fuzz for the time each test allows.
 */
class WireFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void requestHead(byte[] data) {
    int end = HttpRequestHead.indexOfEnd(data, 0, data.length);
    HttpRequestHead head = HttpRequestHead.parse(data, end < 0 ? data.length : end);
    if (head.isHttp()) {
      head.segment("/ws/rooms/", "");
      head.segment("/api/rooms/", "/orders");
      head.wantsClose();
      WebSocket.isUpgrade(head);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void clientFrames(byte[] data) {
    WebSocketReader reader = new WebSocketReader(256);
    byte[] scratch = new byte[256];
    WebSocketReader.Listener ignore = new WebSocketReader.Listener() {
      private boolean open = true;

      @Override
      public boolean reading() {
        return open;
      }

      @Override
      public void onText(String text) {}

      @Override
      public void onRefused(boolean binary) {}

      @Override
      public void onPing(byte[] payload, int length) {}

      @Override
      public void onClose(int code) {
        open = false;
      }

      @Override
      public void onProtocolError(String why) {
        open = false;
      }
    };
    // Fed in two reads, as a socket might deliver it, keeping the unread rest as a connection does.
    ByteBuffer first = ByteBuffer.wrap(data, 0, data.length / 2).slice();
    reader.read(first, scratch, ignore);
    ByteBuffer rest = ByteBuffer.allocate(first.remaining() + data.length - data.length / 2);
    rest.put(first).put(data, data.length / 2, data.length - data.length / 2).flip();
    reader.read(rest, scratch, ignore);
  }
}
