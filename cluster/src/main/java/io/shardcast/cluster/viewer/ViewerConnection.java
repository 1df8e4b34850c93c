package io.shardcast.cluster.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardcast.cluster.gateway.JsonReply;
import io.shardcast.room.Ids;
import io.shardcast.room.LiveRoom;
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
 * One viewer's socket, owned by one {@link ViewerLoop} thread: the HTTP upgrade (validated, with
 * the room looked up before the 101), then WebSocket messages in and the session's frames out.
 * Bad input gets an HTTP error or an error frame; only protocol violations close the socket.
 */
final class ViewerConnection implements WebSocketReader.Listener {

  private static final Logger log = LoggerFactory.getLogger(ViewerConnection.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A frame's wire form: encoded by the first viewer that sends it, then shared. */
  static final Function<Frame, byte[]> WIRE = f -> WebSocket.textFrame(f.json);
  /** The paths this port serves: a room's viewer socket and its orders. */
  static final String ROOM_PATH_PREFIX = "/ws/rooms/";
  static final String ORDERS_PATH_PREFIX = "/api/rooms/";
  static final String ORDERS_PATH_SUFFIX = "/orders";
  /** The closing notice of a viewer asked to move; rendered per viewer, with its own seq. */
  private static final Frame RECONNECT = new Frame(0, "{\"type\":\"reconnect\"}", true, 0, false, 0);

  /**
   * HEAD: reading a request head (an upgrade, or an order on a keep-alive connection); BODY: an
   * order's body; ANSWERING: waiting for the room or the order desk; OPEN: a WebSocket.
   */
  private enum State { HEAD, BODY, ANSWERING, OPEN, LINGER, CLOSED }

  private final ViewerLoop loop;
  private final SocketChannel channel;
  /** The node's fan-out counters, held here so a write bumps them without a lookup. */
  private final FanoutStats stats;
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
  /** The order being received on this connection: its room, body and whether to close after it. */
  private String orderRoomId;
  private byte[] body;
  private int bodyLength;
  private boolean closeAfterOrder;
  /** Requests answered on this keep-alive connection. */
  private int served;

  private String roomId;
  private String userId;
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

  private byte[] pending;
  private int pendingOffset;
  private boolean closeAfterPending;
  private byte[] control;
  private boolean writeInterest;

  ViewerConnection(ViewerLoop loop, SocketChannel channel) {
    this.loop = loop;
    this.channel = channel;
    this.stats = loop.server.fanout();
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
    HttpRequestHead req = HttpRequestHead.parse(head, end);
    if (!req.isHttp()) {
      respond(400, "BAD_REQUEST", "not an HTTP/1.1 request", "");
      return;
    }
    String orderRoom = req.segment(ORDERS_PATH_PREFIX, ORDERS_PATH_SUFFIX);
    if (orderRoom != null) {
      startOrder(req, orderRoom, end + HttpRequestHead.END_BYTES, buf);
      return;
    }
    // Bytes after an upgrade request's head are ignored: a client sends nothing before the 101.
    buf.position(buf.limit());
    head = null;
    upgrade(req);
  }

  // ---- orders (POST /api/rooms/{id}/orders on a keep-alive connection) --------------------------

  private void startOrder(HttpRequestHead req, String roomId, int bodyStart, ByteBuffer buf) throws IOException {
    closeAfterOrder = req.wantsClose();
    if (!req.method().equals("POST")) {
      respond(405, "METHOD_NOT_ALLOWED", "orders are POSTed", "Allow: POST\r\n");
      return;
    }
    String length = req.header("content-length");
    int max = (int) Math.min(Integer.MAX_VALUE, loop.server.settings().maxBodyBytes());
    long declared;
    try {
      declared = length == null || req.header("transfer-encoding") != null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      declared = -1;
    }
    if (declared < 0) {
      respond(411, "LENGTH_REQUIRED", "an order needs a Content-Length body", "");
      return;
    }
    if (declared > max) {
      respond(413, "BODY_TOO_LARGE", "request bodies are at most " + max + " bytes", "");
      return;
    }
    orderRoomId = roomId;
    body = new byte[(int) declared];
    // The head buffer may already hold the body's start (and even a pipelined request after it).
    int inHead = headLength - bodyStart;
    int take = Math.min(inHead, body.length);
    System.arraycopy(head, bodyStart, body, 0, take);
    bodyLength = take;
    byte[] after = new byte[inHead - take + buf.remaining()];
    System.arraycopy(head, bodyStart + take, after, 0, inHead - take);
    buf.get(after, inHead - take, buf.remaining());
    headLength = 0;
    state = State.BODY;
    readBody(ByteBuffer.wrap(after));
  }

  private void readBody(ByteBuffer buf) throws IOException {
    int n = Math.min(buf.remaining(), body.length - bodyLength);
    buf.get(body, bodyLength, n);
    bodyLength += n;
    if (bodyLength < body.length) {
      return;
    }
    state = State.ANSWERING;
    keepForLater(buf);
    JsonNode order;
    try {
      order = JSON.readTree(body);
    } catch (IOException e) {
      order = null;
    }
    body = null;
    if (!Ids.valid(orderRoomId)) {
      answerOrder(JsonReply.error(400, "BAD_ROOM_ID", "room ids are 1..64 of [A-Za-z0-9_-]"));
    } else if (order == null || !order.isObject()) {
      answerOrder(JsonReply.error(400, "BAD_JSON", "request body must be a JSON object"));
    } else {
      loop.server.placeOrder(orderRoomId, order).whenComplete((reply, failure) -> loop.execute(() ->
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
      if (closeAfterOrder) {
        respondRaw(reply.status(), reply.body(), "");
        return;
      }
      pending = HttpAnswer.json(reply.status(), reply.body(), "", false);
      pendingOffset = 0;
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

  private void upgrade(HttpRequestHead req) throws IOException {
    String room = req.segment(ROOM_PATH_PREFIX, "");
    if (room == null) {
      respond(404, "NOT_FOUND", "this port serves /ws/rooms/{roomId}?user={userId} and POST /api/rooms/{roomId}/orders",
          "");
      return;
    }
    if (!req.method().equals("GET")) {
      respond(405, "METHOD_NOT_ALLOWED", "a WebSocket upgrade is a GET", "Allow: GET\r\n");
      return;
    }
    if (!WebSocket.isUpgrade(req)) {
      respond(400, "NOT_WEBSOCKET", "expected a WebSocket upgrade request", "");
      return;
    }
    if (!"13".equals(req.header("sec-websocket-version"))) {
      respond(426, "BAD_WEBSOCKET_VERSION", "WebSocket version 13 is required", "Sec-WebSocket-Version: 13\r\n");
      return;
    }
    if (!Ids.valid(room)) {
      respond(400, "BAD_ROOM_ID", "room ids are 1..64 of [A-Za-z0-9_-]", "");
      return;
    }
    String user = req.query().get("user");
    if (user == null || !Ids.valid(user)) {
      respond(400, "BAD_USER", "user query parameter is required: 1..64 of [A-Za-z0-9_-]", "");
      return;
    }
    long since = -1;
    String sinceText = req.query().get("since");
    if (sinceText != null) {
      try {
        since = Long.parseLong(sinceText);
      } catch (NumberFormatException e) {
        respond(400, "BAD_SINCE", "since must be a sequence number", "");
        return;
      }
      if (since < 0) {
        respond(400, "BAD_SINCE", "since must be >= 0", "");
        return;
      }
    }
    String notServing = loop.server.notServing();
    if (notServing != null) {
      respond(503, "NOT_SERVING", "this node is " + notServing + " and takes no new viewers; ask GET /api/rooms/"
          + room + "/join on any node's gateway for one that does", "Retry-After: 1\r\n");
      return;
    }
    roomId = room;
    userId = user;
    state = State.ANSWERING;
    key.interestOps(0);
    String wsKey = req.header("sec-websocket-key");
    long resumeFrom = since;
    loop.server.snapshot(room).whenComplete((reply, failure) ->
        loop.execute(() -> onSnapshot(reply, failure, wsKey, resumeFrom, true)));
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
      pending = WebSocket.upgradeAnswer(wsKey);
      pendingOffset = 0;
      session = loop.server.newSession(roomId, userId);
      input = loop.server.newInput(roomId, userId, session);
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
    control = WebSocket.frame(WebSocket.OP_PONG, data);
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
      if (pending == null) {
        if (control != null) {
          pending = control;
          control = null;
        } else if (state != State.OPEN || !nextFromSession()) {
          break;
        }
        pendingOffset = 0;
      }
      if (!writePending()) {
        setWriteInterest(true);
        return;
      }
      pending = null;
      if (closeAfterPending) {
        closeAfterPending = false;
        linger();
        return;
      }
    }
    setWriteInterest(false);
  }

  /** Takes the session's next frame into {@link #pending}; false when there is nothing to send. */
  private boolean nextFromSession() {
    Frame f = session.poll();
    if (f != null) {
      pending = f.wire(WIRE);
      stats.framesOut.add(f.size());
      stats.messagesOut.increment();
      return true;
    }
    if (session.overflowed()) {
      // Too slow even for commerce events: resume elsewhere (or here) from what was delivered.
      stopWithNotice("{\"type\":\"reconnect\",\"reason\":\"slow-consumer\",\"since\":" + resumeSeq() + "}");
      return true;
    }
    Frame notice = session.closingNotice();
    if (notice == RECONNECT) {
      stopWithNotice(reconnectNotice());
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
    session.close(RECONNECT);
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

  private String reconnectNotice() {
    return reconnectNotice(reconnectReason, resumeSeq(), reconnectBase, roomId, userId);
  }

  /**
   * The last frame a viewer asked to move gets: why, the seq it resumes after, and (when a target
   * {@code wsBase} is known) the URL to reconnect to with that seq.
   */
  static String reconnectNotice(String reason, long since, String wsBase, String roomId, String userId) {
    StringBuilder b = new StringBuilder(160).append("{\"type\":\"reconnect\",\"reason\":\"").append(reason)
        .append("\",\"since\":").append(since);
    if (wsBase != null) {
      b.append(",\"ws\":\"").append(wsBase).append(ROOM_PATH_PREFIX).append(roomId).append("?user=").append(userId);
      if (since >= 0) {
        b.append("&since=").append(since);
      }
      b.append('"');
    }
    return b.append('}').toString();
  }

  private void stopWithNotice(String json) {
    byte[] text = WebSocket.textFrame(json);
    byte[] close = WebSocket.closeFrame(WebSocket.CLOSE_GOING_AWAY);
    pending = new byte[text.length + close.length];
    System.arraycopy(text, 0, pending, 0, text.length);
    System.arraycopy(close, 0, pending, text.length, close.length);
    closeAfterPending = true;
  }

  private boolean writePending() throws IOException {
    ByteBuffer out = loop.writeBuffer;
    while (pendingOffset < pending.length) {
      out.clear();
      int n = Math.min(out.capacity(), pending.length - pendingOffset);
      out.put(pending, pendingOffset, n).flip();
      int written = channel.write(out);
      pendingOffset += written;
      stats.bytesOut.add(written);
      if (written < n) {
        return false;
      }
    }
    return true;
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
    pending = all;
    pendingOffset = 0;
    closeAfterPending = true;
    writeQueued();
  }

  private void closeWith(byte[] lastBytes) throws IOException {
    detach();
    state = State.LINGER;
    control = null;
    pending = lastBytes;
    pendingOffset = 0;
    closeAfterPending = true;
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
    if (state == State.OPEN && pending == null) {
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
