package io.shardcast.cluster.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.cluster.access.Access;
import io.shardcast.cluster.access.Identity;
import io.shardcast.cluster.access.Scope;
import io.shardcast.cluster.access.Verdict;
import io.shardcast.room.fanout.Frame;
import io.shardcast.cluster.gateway.JsonReply;
import io.shardcast.room.fanout.FanoutStats;
import io.shardcast.wire.HttpAnswer;
import io.shardcast.wire.HttpRequestHead;
import io.shardcast.wire.WebSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection on the viewer port, owned by one {@link ViewerLoop} thread, as a state machine:
 * orders on a keep-alive connection, or the upgrade (the room looked up before the 101) and then a
 * {@link WatchingViewer}. This class owns the socket, its buffers and its deadlines. What a request
 * head asks is checked by {@link PortRequest}, an order's body is gathered by {@link OrderBody}, bytes
 * go out through the {@link Outbox}. Bad input gets an HTTP error or an error frame; only protocol
 * violations close the socket.
 */
final class ViewerConnection {

  private static final Logger log = LoggerFactory.getLogger(ViewerConnection.class);

  /**
   * HEAD: reading a request head (an upgrade, or an order on a keep-alive connection); BODY: an
   * order's body; ANSWERING: waiting for the room or the order desk; OPEN: a WebSocket.
   */
  private enum State { HEAD, BODY, ANSWERING, OPEN, LINGER, CLOSED }

  private final ViewerLoop loop;
  private final SocketChannel channel;
  /** The node's fan-out counters, held here so a write bumps them without a lookup. */
  private final FanoutStats stats;
  private final Outbox out;
  SelectionKey key;
  /** When an upgrade in progress or a lingering close gives up; watched by the loop. */
  long deadlineNanos;
  /** In the loop's list of connections with a deadline; loop thread only. */
  boolean tracked;
  /** Set while queued in the loop's ready queue; guarded by that queue. */
  boolean inReadyQueue;

  private State state = State.HEAD;
  private byte[] head;
  private int headLength;
  /** The order being received on this connection. */
  private OrderBody order;
  /** Requests answered on this keep-alive connection. */
  private int served;

  /** The room and user of an upgrade, once its token is accepted; for the logs and for hints. */
  private String roomId;
  private String userId;
  private boolean readOnly;
  /** The viewer once the socket is a WebSocket; null before. */
  private WatchingViewer viewer;

  /** Bytes of an incomplete frame, kept until the rest arrives; null almost always. */
  private byte[] carry;
  private boolean writeInterest;

  ViewerConnection(ViewerLoop loop, SocketChannel channel) {
    this.loop = loop;
    this.channel = channel;
    this.stats = loop.server.fanout();
    this.out = new Outbox(channel, stats);
    this.head = new byte[loop.server.settings().viewerMaxHandshakeBytes()];
    this.deadlineNanos = System.nanoTime() + loop.server.settings().viewerHandshakeTimeout().toNanos();
  }

  // ---- reading --------------------------------------------------------------------------------

  void onReadable() throws IOException {
    ByteBuffer buf = loop.readBuffer;
    buf.clear();
    if (carry != null) {
      buf.put(carry);
      carry = null;
    }
    int n = channel.read(buf);
    if (n < 0) {
      close();
      return;
    }
    buf.flip();
    dispatch(buf);
  }

  private void dispatch(ByteBuffer buf) throws IOException {
    switch (state) {
      case HEAD -> readHead(buf);
      case BODY -> readBody(buf);
      case OPEN -> readFrames(buf);
      case ANSWERING -> keepForLater(buf); // a pipelined request: read once this one is answered
      default -> buf.position(buf.limit()); // lingering or closing: input no longer matters
    }
  }

  private void keepForLater(ByteBuffer buf) {
    if (buf.hasRemaining()) {
      carry = new byte[buf.remaining()];
      buf.get(carry);
    }
    key.interestOps(0);
  }

  private void readHead(ByteBuffer buf) throws IOException {
    int from = Math.max(0, headLength - 3);
    int n = Math.min(buf.remaining(), head.length - headLength);
    buf.get(head, headLength, n);
    headLength += n;
    int end = HttpRequestHead.indexOfEnd(head, from, headLength);
    if (end < 0) {
      if (headLength == head.length) {
        respond(431, "HEADERS_TOO_LARGE", "the request head is larger than " + head.length + " bytes", "");
      }
      return;
    }
    int maxBody = (int) Math.min(Integer.MAX_VALUE, loop.server.settings().maxBodyBytes());
    PortRequest req = PortRequest.of(HttpRequestHead.parse(head, end), maxBody);
    if (req instanceof PortRequest.Refused r) {
      respond(r.status(), r.code(), r.message(), r.extraHeaders());
    } else if (req instanceof PortRequest.Order o) {
      startOrder(o, end + HttpRequestHead.END_BYTES, buf);
    } else {
      // Bytes after an upgrade request's head are ignored: a client sends nothing before the 101.
      buf.position(buf.limit());
      head = null;
      upgrade((PortRequest.Watch) req);
    }
  }

  // ---- orders (POST /api/rooms/{id}/orders on a keep-alive connection) --------------------------

  private void startOrder(PortRequest.Order req, int bodyStart, ByteBuffer buf) throws IOException {
    order = new OrderBody(req);
    // The head buffer may already hold the body's start (and even a pipelined request after it).
    ByteBuffer inHead = ByteBuffer.wrap(head, bodyStart, headLength - bodyStart);
    order.fill(inHead);
    byte[] after = new byte[inHead.remaining() + buf.remaining()];
    int leftInHead = inHead.remaining();
    inHead.get(after, 0, leftInHead);
    buf.get(after, leftInHead, buf.remaining());
    headLength = 0;
    state = State.BODY;
    readBody(ByteBuffer.wrap(after));
  }

  private void readBody(ByteBuffer buf) throws IOException {
    if (!order.fill(buf)) {
      return;
    }
    state = State.ANSWERING;
    keepForLater(buf);
    JsonNode placed = order.order();
    if (placed == null) {
      answerOrder(order.refusal());
    } else {
      loop.server.placeOrder(order.head().roomId(), placed, order.head().token()).whenComplete((reply, failure) -> loop.execute(() ->
          answerOrder(failure == null ? reply : JsonReply.error(500, "INTERNAL", "the order could not be taken"))));
    }
  }

  /** Writes an order's answer and gets ready for the connection's next request. */
  private void answerOrder(JsonReply reply) {
    if (state != State.ANSWERING) {
      return;
    }
    try {
      served++;
      boolean closeAfter = order.head().closeAfter();
      order = null;
      if (closeAfter) {
        respondRaw(reply.status(), reply.body(), "");
        return;
      }
      out.put(HttpAnswer.json(reply.status(), reply.body(), "", false), false);
      state = State.HEAD;
      deadlineNanos = System.nanoTime() + loop.server.settings().viewerIdleTimeout().toNanos();
      loop.track(this);
      key.interestOps(SelectionKey.OP_READ);
      writeQueued();
      if (carry != null && state == State.HEAD) {
        // A pipelined request arrived while this one was answered.
        ByteBuffer buf = loop.readBuffer;
        buf.clear();
        buf.put(carry).flip();
        carry = null;
        dispatch(buf);
      }
    } catch (IOException e) {
      fail(e);
    }
  }

  // ---- watching (GET /ws/rooms/{id}: the upgrade, once the room has answered) --------------------

  private void upgrade(PortRequest.Watch req) throws IOException {
    String notServing = loop.server.notServing();
    if (notServing != null) {
      respond(503, "NOT_SERVING", "this node is " + notServing + " and takes no new viewers; ask GET /api/rooms/"
          + req.roomId() + "/join on any node's gateway for one that does", "Retry-After: 1\r\n");
      return;
    }
    Verdict who = loop.server.access().watcher(req.token(), req.userId());
    if (who instanceof Verdict.Refused r) {
      respond(r.refusal().status(), r.refusal().code(), r.refusal().message(), "");
      return;
    }
    Identity identity = ((Verdict.Accepted) who).identity();
    roomId = req.roomId();
    userId = Access.userIdOf(identity);
    readOnly = !identity.may(Scope.VIEWER);
    state = State.ANSWERING;
    key.interestOps(0);
    loop.server.snapshot(roomId).whenComplete((reply, failure) ->
        loop.execute(() -> onSnapshot(reply, failure, req.wsKey(), req.since(), true)));
  }

  private void onSnapshot(ViewerServer.Snapshot read, Throwable failure, String wsKey, long since,
      boolean mayReadAgain) {
    if (state != State.ANSWERING) {
      return; // timed out or shut down meanwhile
    }
    try {
      if (failure != null) {
        respond(503, "TIMEOUT", "room " + roomId + " did not answer in time; try again", "");
        return;
      }
      if (read.frame() == null) {
        respondRaw(read.refusal().status(), read.refusal().body(), "");
        return;
      }
      Frame snapshot = read.frame();
      if (since > snapshot.seq && mayReadAgain) {
        // A shared read sent before this viewer's request: it resumes after events that read does not
        // have yet. A read sent now does (the room wrote them before the viewer saw them).
        loop.server.snapshot(roomId).whenComplete((again, failed) ->
            loop.execute(() -> onSnapshot(again, failed, wsKey, since, false)));
        return;
      }
      loop.untrack(this);
      out.put(WebSocket.upgradeAnswer(wsKey), false);
      viewer = new WatchingViewer(this, loop, roomId, userId, readOnly);
      state = State.OPEN;
      key.interestOps(SelectionKey.OP_READ);
      // Polls the empty session once, so the edge's first offer wakes this connection.
      writeQueued();
      if (state == State.OPEN) {
        viewer.attach(since, snapshot);
      }
    } catch (Exception e) {
      log.warn("room {} viewer {}: upgrade failed", roomId, userId, e);
      fail(e);
    }
  }

  private void readFrames(ByteBuffer buf) {
    viewer.read(buf);
    if (state == State.OPEN && buf.hasRemaining()) {
      carry = new byte[buf.remaining()];
      buf.get(carry);
    }
  }

  // ---- what the viewer's frames ask of the socket (WatchingViewer) ------------------------------

  /** A WebSocket whose frames are still read. */
  boolean isOpen() {
    return state == State.OPEN;
  }

  /** Sends a control frame (a pong) ahead of the session's frames. */
  void control(byte[] frame) {
    out.control(frame);
    try {
      writeQueued();
    } catch (IOException e) {
      fail(e);
    }
  }

  /** Sends the last bytes (a close frame), then half-closes and lingers. */
  void closeWith(byte[] lastBytes) {
    try {
      detach();
      state = State.LINGER;
      out.last(lastBytes);
      writeQueued();
    } catch (IOException e) {
      fail(e);
    }
  }

  // ---- writing --------------------------------------------------------------------------------

  void onWritable() throws IOException {
    writeQueued();
  }

  /** Writes what is pending and then the session's frames until the socket is full or all is sent. */
  void writeQueued() throws IOException {
    while (state != State.CLOSED) {
      if (out.isEmpty() && !out.takeControl() && (state != State.OPEN || !viewer.next(out))) {
        break;
      }
      if (!out.flush(loop.writeBuffer)) {
        setWriteInterest(true);
        return;
      }
      if (out.closeAfter()) {
        linger();
        return;
      }
    }
    setWriteInterest(false);
  }

  /**
   * Asks this connection's viewer to move to {@code wsBase}; see {@link WatchingViewer#hintReconnect}.
   *
   * @return false when this connection is not an open viewer or already moving
   */
  boolean hintReconnect(String wsBase, String reason) {
    return canHint() && viewer.hintReconnect(wsBase, reason);
  }

  /** An open viewer not yet asked to move. Loop thread. */
  boolean canHint() {
    return state == State.OPEN && viewer.canHint();
  }

  /** The room of an upgraded viewer; null before. */
  String roomId() {
    return roomId;
  }

  private void setWriteInterest(boolean on) {
    if (on != writeInterest && key.isValid()) {
      writeInterest = on;
      key.interestOps(on ? key.interestOps() | SelectionKey.OP_WRITE : key.interestOps() & ~SelectionKey.OP_WRITE);
    }
  }

  // ---- closing --------------------------------------------------------------------------------

  private void respond(int status, String code, String message, String extraHeaders) throws IOException {
    if (status >= 500 || status == 431) {
      log.info("viewer upgrade refused {} {}: {}", status, code, message);
    }
    respondWith(HttpAnswer.error(status, code, message, extraHeaders));
  }

  private void respondRaw(int status, String json, String extraHeaders) throws IOException {
    respondWith(HttpAnswer.json(status, json, extraHeaders, true));
  }

  private void respondWith(byte[] all) throws IOException {
    state = State.LINGER;
    key.interestOps(SelectionKey.OP_READ);
    out.put(all, true);
    writeQueued();
  }

  /**
   * Everything is sent: half-close and read until the peer closes too, so the last bytes are not
   * lost to a reset; the loop closes it after the handshake timeout if the peer never does.
   */
  private void linger() throws IOException {
    detach();
    state = State.LINGER;
    deadlineNanos = System.nanoTime() + loop.server.settings().viewerHandshakeTimeout().toNanos();
    loop.track(this);
    setWriteInterest(false);
    channel.shutdownOutput();
  }

  /** The upgrade did not complete in time, a keep-alive connection idled, or a closing peer never closed. */
  void onDeadline() {
    try {
      if (state == State.HEAD && headLength == 0 && served > 0) {
        close(); // an idle keep-alive connection: nothing to answer
      } else if (state == State.ANSWERING) {
        // The request was complete: it is this node that did not answer in time (the room's read).
        respond(503, "TIMEOUT", "the room did not answer in time; try again (an order with the same orderId)",
            "Retry-After: 1\r\n");
      } else if (state == State.HEAD || state == State.BODY) {
        respond(408, "REQUEST_TIMEOUT", "the request did not complete in time", "");
      } else {
        close();
      }
    } catch (IOException e) {
      close();
    }
  }

  /** Server stopping: a best-effort going-away frame, then closed. */
  void shutdown() {
    if (state == State.OPEN && out.isEmpty()) {
      try {
        channel.write(ByteBuffer.wrap(WebSocket.closeFrame(WebSocket.CLOSE_GOING_AWAY)));
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    close();
  }

  void fail(Exception e) {
    log.debug("room {} viewer {}: connection failed: {}", roomId, userId, e.toString());
    close();
  }

  void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    detach();
    loop.untrack(this);
    if (key != null) {
      key.cancel();
    }
    ViewerLoop.closeQuietly(channel);
  }

  private void detach() {
    if (viewer != null) {
      viewer.detach();
    }
  }

  @Override
  public String toString() {
    return "viewer(" + roomId + "/" + userId + ")";
  }
}
