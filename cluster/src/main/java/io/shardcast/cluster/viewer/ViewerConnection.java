package io.shardcast.cluster.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.cluster.access.Access;
import io.shardcast.cluster.access.Identity;
import io.shardcast.cluster.access.Scope;
import io.shardcast.cluster.access.Verdict;
import io.shardcast.cluster.gateway.JsonReply;
import io.shardcast.room.fanout.FanoutStats;
import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.ViewerSession;
import io.shardcast.wire.HttpAnswer;
import io.shardcast.wire.HttpRequestHead;
import io.shardcast.wire.WebSocket;
import io.shardcast.wire.WebSocketReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection on the viewer port, owned by one {@link ViewerLoop} thread, as a state machine:
 * orders on a keep-alive connection, or the upgrade (the room looked up before the 101) and then
 * WebSocket messages in and the session's frames out. What a request head asks is checked by
 * {@link PortRequest}, an order's body is gathered by {@link OrderBody}, bytes go out through the
 * {@link Outbox}. Bad input gets an HTTP error or an error frame; only protocol violations close
 * the socket.
 */
final class ViewerConnection implements WebSocketReader.Listener {

  private static final Logger log = LoggerFactory.getLogger(ViewerConnection.class);
  /** A frame's wire form: encoded by the first viewer that sends it, then shared. */
  static final Function<Frame, byte[]> WIRE = f -> WebSocket.textFrame(f.json);

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

  private String roomId;
  private String userId;
  private Identity identity;
  private ViewerSession session;
  private ViewerInput input;
  private boolean attached;
  /**
   * The seq this viewer resumed after (-1 for a new viewer): until the edge has delivered it anything,
   * a hint must still name it, or the viewer's next node would start it over from a snapshot.
   */
  private long resumedSince = -1;
  /** Set once this viewer is asked to move: where to, and why. */
  private String reconnectBase;
  private String reconnectReason;

  /** Bytes of an incomplete frame, kept until the rest arrives; null almost always. */
  private byte[] carry;
  /** Reads the viewer's frames once the socket is a WebSocket; created then. */
  private WebSocketReader reader;
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
    identity = ((Verdict.Accepted) who).identity();
    roomId = req.roomId();
    userId = Access.userIdOf(identity);
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
      session = loop.server.newSession(roomId, userId);
      input = loop.server.newInput(roomId, userId, !identity.may(Scope.VIEWER), session);
      session.onWakeup(() -> loop.wake(this));
      reader = new WebSocketReader(loop.payload.length);
      state = State.OPEN;
      key.interestOps(SelectionKey.OP_READ);
      // Polls the empty session once, so the edge's first offer wakes this connection.
      writeQueued();
      if (state == State.OPEN) {
        attached = true;
        resumedSince = since <= snapshot.seq ? since : -1;
        stats.joins.increment();
        loop.server.attach(roomId, session, since, snapshot);
      }
    } catch (Exception e) {
      log.warn("room {} viewer {}: upgrade failed", roomId, userId, e);
      fail(e);
    }
  }

  private void readFrames(ByteBuffer buf) {
    reader.read(buf, loop.payload, this);
    if (state == State.OPEN && buf.hasRemaining()) {
      carry = new byte[buf.remaining()];
      buf.get(carry);
    }
  }

  // ---- what the viewer's frames say (WebSocketReader.Listener; loop thread) ----------------------

  @Override
  public boolean reading() {
    return state == State.OPEN;
  }

  @Override
  public void onText(String text) {
    input.onMessage(new ViewerInput.Inbound(text, null, null));
  }

  @Override
  public void onRefused(boolean binary) {
    input.onMessage(binary
        ? new ViewerInput.Inbound(null, "BINARY_NOT_SUPPORTED", "send JSON text messages")
        : new ViewerInput.Inbound(null, "FRAME_TOO_LARGE", "messages are at most " + loop.payload.length + " bytes"));
  }

  @Override
  public void onPing(byte[] payload, int length) {
    byte[] data = new byte[length];
    System.arraycopy(payload, 0, data, 0, length);
    out.control(WebSocket.frame(WebSocket.OP_PONG, data));
    try {
      writeQueued();
    } catch (IOException e) {
      fail(e);
    }
  }

  @Override
  public void onClose(int code) {
    // Echo the client's status code, then wait for it to close the TCP connection.
    try {
      closeWith(WebSocket.closeFrame(code));
    } catch (IOException e) {
      fail(e);
    }
  }

  @Override
  public void onProtocolError(String why) {
    log.info("room {} viewer {}: WebSocket protocol error, closing: {}", roomId, userId, why);
    try {
      closeWith(WebSocket.closeFrame(WebSocket.CLOSE_PROTOCOL_ERROR));
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
      if (out.isEmpty() && !out.takeControl() && (state != State.OPEN || !nextFromSession())) {
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

  /** Puts the session's next frame in the outbox; false when there is nothing to send. */
  private boolean nextFromSession() {
    Frame f = session.poll();
    if (f != null) {
      out.put(f.wire(WIRE), false);
      stats.framesOut.add(f.size());
      stats.messagesOut.increment();
      return true;
    }
    if (session.overflowed()) {
      // Too slow even for commerce events: resume elsewhere (or here) from what was delivered.
      stopWithNotice(ReconnectNotice.slowConsumer(resumeSeq()));
      return true;
    }
    Frame notice = session.closingNotice();
    if (notice == ReconnectNotice.MARKER) {
      stopWithNotice(ReconnectNotice.json(reconnectReason, resumeSeq(), reconnectBase, roomId, userId));
      return true;
    }
    if (notice != null) {
      stopWithNotice(notice.json);
      return true;
    }
    return false;
  }

  /**
   * Asks this viewer to move to {@code wsBase} (another node's viewer listener, {@code ws://host:port};
   * null when none is known: the viewer asks {@code /join}). What is queued goes out first; the hint
   * then names the last seq delivered, so the viewer resumes there and misses nothing. Loop thread.
   *
   * @return false when this connection is not an open viewer or already moving
   */
  boolean hintReconnect(String wsBase, String reason) {
    if (!canHint()) {
      return false;
    }
    reconnectBase = wsBase;
    reconnectReason = reason;
    session.close(ReconnectNotice.MARKER);
    return true;
  }

  /** An open viewer not yet asked to move. Loop thread. */
  boolean canHint() {
    return state == State.OPEN && attached && reconnectReason == null;
  }

  /** The room of an upgraded viewer; null before. */
  String roomId() {
    return roomId;
  }

  /** Where this viewer resumes when it moves: the last seq delivered, or the one it came with. */
  private long resumeSeq() {
    return Math.max(session.deliveredSeq(), resumedSince);
  }

  private void stopWithNotice(String json) {
    byte[] text = WebSocket.textFrame(json);
    byte[] close = WebSocket.closeFrame(WebSocket.CLOSE_GOING_AWAY);
    byte[] both = new byte[text.length + close.length];
    System.arraycopy(text, 0, both, 0, text.length);
    System.arraycopy(close, 0, both, text.length, close.length);
    out.put(both, true);
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

  private void closeWith(byte[] lastBytes) throws IOException {
    detach();
    state = State.LINGER;
    out.last(lastBytes);
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
    if (attached) {
      attached = false;
      loop.server.detach(roomId, session);
    }
  }

  @Override
  public String toString() {
    return "viewer(" + roomId + "/" + userId + ")";
  }
}
