package io.shardcast.cluster.viewer;

import io.shardcast.room.fanout.FanoutStats;
import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.ViewerSession;
import io.shardcast.wire.WebSocket;
import io.shardcast.wire.WebSocketReader;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The viewer on an upgraded {@link ViewerConnection}: its messages in (likes, comments, gifts,
 * claims through {@link ViewerInput}), its session's frames out, and its move to another node
 * (a reconnect hint naming the last seq delivered). The connection owns the socket, its buffers and
 * its deadlines; this class owns what a viewer is once the socket is a WebSocket. Loop thread only.
 */
final class WatchingViewer implements WebSocketReader.Listener {

  private static final Logger log = LoggerFactory.getLogger(WatchingViewer.class);
  /** A frame's wire form: encoded by the first viewer that sends it, then shared. */
  static final Function<Frame, byte[]> WIRE = f -> WebSocket.textFrame(f.json);

  private final ViewerConnection connection;
  private final ViewerLoop loop;
  private final FanoutStats stats;
  private final String roomId;
  private final String userId;
  private final ViewerSession session;
  private final ViewerInput input;
  private final WebSocketReader reader;
  private boolean attached;
  /**
   * The seq this viewer resumed after (-1 for a new viewer): until the edge has delivered it anything,
   * a hint must still name it, or the viewer's next node would start it over from a snapshot.
   */
  private long resumedSince = -1;
  /** Set once this viewer is asked to move: where to, and why. */
  private String reconnectBase;
  private String reconnectReason;

  WatchingViewer(ViewerConnection connection, ViewerLoop loop, String roomId, String userId, boolean readOnly) {
    this.connection = connection;
    this.loop = loop;
    this.stats = loop.server.fanout();
    this.roomId = roomId;
    this.userId = userId;
    this.session = loop.server.newSession(roomId, userId);
    this.input = loop.server.newInput(roomId, userId, readOnly, session);
    this.reader = new WebSocketReader(loop.payload.length);
    session.onWakeup(() -> loop.wake(connection));
  }

  /** Joins the room's edge after the snapshot this viewer was sent; {@code since} is where it resumes. */
  void attach(long since, Frame snapshot) {
    attached = true;
    resumedSince = since <= snapshot.seq ? since : -1;
    stats.joins.increment();
    loop.server.attach(roomId, session, since, snapshot);
  }

  /** Leaves the room's edge; nothing more is delivered. */
  void detach() {
    if (attached) {
      attached = false;
      loop.server.detach(roomId, session);
    }
  }

  /** Reads the viewer's frames; an incomplete one's bytes stay in {@code buf}. */
  void read(ByteBuffer buf) {
    reader.read(buf, loop.payload, this);
  }

  // ---- what the viewer's frames say (WebSocketReader.Listener) -----------------------------------

  @Override
  public boolean reading() {
    return connection.isOpen();
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
    connection.control(WebSocket.frame(WebSocket.OP_PONG, data));
  }

  @Override
  public void onClose(int code) {
    // Echo the client's status code, then wait for it to close the TCP connection.
    connection.closeWith(WebSocket.closeFrame(code));
  }

  @Override
  public void onProtocolError(String why) {
    log.info("room {} viewer {}: WebSocket protocol error, closing: {}", roomId, userId, why);
    connection.closeWith(WebSocket.closeFrame(WebSocket.CLOSE_PROTOCOL_ERROR));
  }

  // ---- what goes out -------------------------------------------------------------------------------

  /** Puts the session's next frame in the outbox; false when there is nothing to send. */
  boolean next(Outbox out) {
    Frame f = session.poll();
    if (f != null) {
      out.put(f.wire(WIRE), false);
      stats.framesOut.add(f.size());
      stats.messagesOut.increment();
      return true;
    }
    if (session.overflowed()) {
      // Too slow even for commerce events: resume elsewhere (or here) from what was delivered.
      stopWithNotice(out, ReconnectNotice.slowConsumer(resumeSeq()));
      return true;
    }
    Frame notice = session.closingNotice();
    if (notice == ReconnectNotice.MARKER) {
      stopWithNotice(out, ReconnectNotice.json(reconnectReason, resumeSeq(), reconnectBase, roomId, userId));
      return true;
    }
    if (notice != null) {
      stopWithNotice(out, notice.json);
      return true;
    }
    return false;
  }

  /**
   * Asks this viewer to move to {@code wsBase} (another node's viewer listener, {@code ws://host:port};
   * null when none is known: the viewer asks {@code /join}). What is queued goes out first; the hint
   * then names the last seq delivered, so the viewer resumes there and misses nothing.
   *
   * @return false when this viewer is not attached or already moving
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

  /** Attached and not yet asked to move. */
  boolean canHint() {
    return attached && reconnectReason == null;
  }

  /** Where this viewer resumes when it moves: the last seq delivered, or the one it came with. */
  private long resumeSeq() {
    return Math.max(session.deliveredSeq(), resumedSince);
  }

  private static void stopWithNotice(Outbox out, String json) {
    byte[] text = WebSocket.textFrame(json);
    byte[] close = WebSocket.closeFrame(WebSocket.CLOSE_GOING_AWAY);
    byte[] both = new byte[text.length + close.length];
    System.arraycopy(text, 0, both, 0, text.length);
    System.arraycopy(close, 0, both, text.length, close.length);
    out.put(both, true);
  }
}
