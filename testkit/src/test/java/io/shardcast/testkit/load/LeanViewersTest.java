package io.shardcast.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The lean load client reads a node's frames as a viewer would: every event counted, holes and disorder seen. */
class LeanViewersTest {

  @Test
  void countsBatchedAndSplitEventsAndSeesGapsAndDisorder() throws Exception {
    long now = System.currentTimeMillis();
    LatencyRecorder commentLatency = new LatencyRecorder();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        LeanViewers viewers = new LeanViewers(commentLatency, 1)) {
      Thread node = new Thread(() -> serve(server, now), "fake-node");
      node.setDaemon(true);
      node.start();
      viewers.connect("ws://127.0.0.1:" + server.getLocalPort(), "r1", "u1");
      await(() -> viewers.events() == 5 && viewers.messages() == 4);
      assertEquals(1, viewers.openCount());
      assertEquals(1, viewers.gaps(), "seq 4 right after seq 2");
      assertEquals(1, viewers.outOfOrder(), "seq 3 after seq 4");
      assertEquals(1, viewers.countAtLeast(5));
      assertEquals(5, viewers.minSeqOfOpen());
      assertEquals(1, viewers.roomToViewer().count());
      assertEquals(1, commentLatency.count(), "the comment's send stamp");
      assertEquals(1, viewers.leave(10));
      assertEquals(0, viewers.openCount());
    }
  }

  private static void serve(ServerSocket server, long now) {
    try (Socket s = server.accept()) {
      InputStream in = s.getInputStream();
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      while (!request.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        request.write(in.read());
      }
      OutputStream out = s.getOutputStream();
      out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      text(out, "[{\"type\":\"comment\",\"text\":\"hi t=" + now + "\",\"at\":" + now + ",\"seq\":1},"
          + "{\"type\":\"likes\",\"total\":3,\"seq\":2}]");
      text(out, "{\"type\":\"likes\",\"total\":4,\"seq\":4}");
      text(out, "{\"type\":\"likes\",\"total\":5,\"seq\":3}");
      byte[] last = frame("{\"type\":\"likes\",\"total\":6,\"seq\":5}");
      out.write(last, 0, 10);
      out.flush();
      Thread.sleep(200); // the rest of the frame in a later read
      out.write(last, 10, last.length - 10);
      out.flush();
      in.read(); // until the client leaves
    } catch (IOException | InterruptedException e) {
      // the test fails on what the client did not see
    }
  }

  private static void text(OutputStream out, String message) throws IOException {
    out.write(frame(message));
    out.flush();
  }

  /** An unmasked text frame, as a server sends. */
  private static byte[] frame(String message) {
    byte[] payload = message.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(0x81);
    if (payload.length < 126) {
      f.write(payload.length);
    } else {
      f.write(126);
      f.write(payload.length >> 8);
      f.write(payload.length & 0xff);
    }
    f.writeBytes(payload);
    return f.toByteArray();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long until = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean() && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
    assertTrue(condition.getAsBoolean(), "the viewers did not read every frame in 10 s");
  }
}
