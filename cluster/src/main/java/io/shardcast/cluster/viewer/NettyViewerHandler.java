package io.shardcast.cluster.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.shardcast.cluster.gateway.JsonReply;
import io.shardcast.room.Ids;
import io.shardcast.room.fanout.FanoutStats;
import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.ViewerSession;
import io.shardcast.wire.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One viewer connection on the Netty transport: orders over HTTP/1.1 keep-alive, or the WebSocket
 * upgrade (the room's snapshot read before the 101), then the session's pre-encoded frames out
 * (wrapped, not copied) and the viewer's messages in. The same protocol as {@link ViewerConnection}.
 */
final class NettyViewerHandler extends ChannelInboundHandlerAdapter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Frame RECONNECT = new Frame(0, "{\"type\":\"reconnect\"}", true, 0, false, 0);

  private final ViewerServer server;
  private final NettyViewerTransport transport;
  private final FanoutStats stats;
  private final AtomicBoolean drainQueued = new AtomicBoolean();
  private ChannelHandlerContext ctx;
  private WebSocketServerHandshaker handshaker;
  private String roomId;
  private String userId;
  private ViewerSession session;
  private ViewerInput input;
  private boolean attached;
  private boolean closing;
  private long resumedSince = -1;
  private volatile String reconnectBase;
  private volatile String reconnectReason;
  private final Runnable drain = this::drain;

  NettyViewerHandler(ViewerServer server, NettyViewerTransport transport) {
    this.server = server;
    this.transport = transport;
    this.stats = server.fanout();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof FullHttpRequest req) {
        onRequest(req);
      } else if (msg instanceof WebSocketFrame frame) {
        onFrame(frame);
      }
    } finally {
      io.netty.util.ReferenceCountUtil.release(msg);
    }
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  private void onRequest(FullHttpRequest req) {
    if (!req.decoderResult().isSuccess()) {
      error(HttpResponseStatus.BAD_REQUEST, "BAD_REQUEST", "not an HTTP/1.1 request", false);
      return;
    }
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    String path = uri.path();
    if (path.startsWith(ViewerConnection.ORDERS_PATH_PREFIX) && path.endsWith(ViewerConnection.ORDERS_PATH_SUFFIX)) {
      order(req, path.substring(ViewerConnection.ORDERS_PATH_PREFIX.length(),
          path.length() - ViewerConnection.ORDERS_PATH_SUFFIX.length()));
    } else if (path.startsWith(ViewerConnection.ROOM_PATH_PREFIX)) {
      upgrade(req, uri, path.substring(ViewerConnection.ROOM_PATH_PREFIX.length()));
    } else {
      error(HttpResponseStatus.NOT_FOUND, "NOT_FOUND",
          "this port serves /ws/rooms/{roomId}?user={userId} and POST /api/rooms/{roomId}/orders", false);
    }
  }

  private void order(FullHttpRequest req, String room) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (!req.method().equals(HttpMethod.POST)) {
      error(HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "orders are POSTed", keepAlive);
      return;
    }
    if (!Ids.valid(room)) {
      reply(JsonReply.error(400, "BAD_ROOM_ID", "room ids are 1..64 of [A-Za-z0-9_-]"), keepAlive);
      return;
    }
    JsonNode order;
    try {
      order = JSON.readTree(req.content().toString(StandardCharsets.UTF_8));
    } catch (Exception e) {
      order = null;
    }
    if (order == null || !order.isObject()) {
      reply(JsonReply.error(400, "BAD_JSON", "request body must be a JSON object"), keepAlive);
      return;
    }
    server.placeOrder(room, order).whenComplete((r, failure) -> ctx.executor().execute(() ->
        reply(failure == null ? r : JsonReply.error(500, "INTERNAL", "the order could not be taken"), keepAlive)));
  }

  private void upgrade(FullHttpRequest req, QueryStringDecoder uri, String room) {
    if (!req.method().equals(HttpMethod.GET)) {
      error(HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "a WebSocket upgrade is a GET", false);
      return;
    }
    if (!Ids.valid(room)) {
      error(HttpResponseStatus.BAD_REQUEST, "BAD_ROOM_ID", "room ids are 1..64 of [A-Za-z0-9_-]", false);
      return;
    }
    String user = first(uri, "user");
    if (user == null || !Ids.valid(user)) {
      error(HttpResponseStatus.BAD_REQUEST, "BAD_USER", "user query parameter is required: 1..64 of [A-Za-z0-9_-]",
          false);
      return;
    }
    long since = -1;
    String sinceText = first(uri, "since");
    if (sinceText != null) {
      try {
        since = Long.parseLong(sinceText);
      } catch (NumberFormatException e) {
        since = -2;
      }
      if (since < 0) {
        error(HttpResponseStatus.BAD_REQUEST, "BAD_SINCE", "since must be a sequence number >= 0", false);
        return;
      }
    }
    handshaker = new WebSocketServerHandshakerFactory("ws://viewer" + req.uri(), null, false,
        server.settings().maxFrameBytes()).newHandshaker(req);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    String notServing = server.notServing();
    if (notServing != null) {
      error(HttpResponseStatus.SERVICE_UNAVAILABLE, "NOT_SERVING", "this node is " + notServing
          + " and takes no new viewers; ask GET /api/rooms/" + room + "/join on any node's gateway", false);
      return;
    }
    roomId = room;
    userId = user;
    long resumeFrom = since;
    FullHttpRequest kept = req.retainedDuplicate();
    ctx.channel().config().setAutoRead(false);
    server.snapshot(room).whenComplete((read, failure) -> ctx.executor().execute(() -> {
      try {
        onSnapshot(kept, read, failure, resumeFrom);
      } finally {
        kept.release();
      }
    }));
  }

  private void onSnapshot(FullHttpRequest req, ViewerServer.Snapshot read, Throwable failure, long since) {
    ctx.channel().config().setAutoRead(true);
    if (!ctx.channel().isActive()) {
      return;
    }
    if (failure != null) {
      error(HttpResponseStatus.SERVICE_UNAVAILABLE, "TIMEOUT", "room " + roomId + " did not answer in time; try again",
          false);
      return;
    }
    if (read.frame() == null) {
      reply(read.refusal(), false);
      return;
    }
    Frame snapshot = read.frame();
    handshaker.handshake(ctx.channel(), req).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        ctx.close();
        return;
      }
      ctx.pipeline().addBefore("viewer", "ws-aggregator", new WebSocketFrameAggregator(server.settings().maxFrameBytes()));
      session = server.newSession(roomId, userId);
      input = server.newInput(roomId, userId, session);
      session.onWakeup(() -> {
        if (drainQueued.compareAndSet(false, true)) {
          ctx.executor().execute(drain);
        }
      });
      attached = true;
      // Polls the empty session once, so the edge's first offer wakes this connection.
      drain();
      resumedSince = since <= snapshot.seq ? since : -1;
      stats.joins.increment();
      transport.open.add(this);
      server.attach(roomId, session, since, snapshot);
    });
  }

  private static String first(QueryStringDecoder uri, String name) {
    List<String> values = uri.parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private void error(HttpResponseStatus status, String code, String message, boolean keepAlive) {
    reply(JsonReply.error(status.code(), code, message), keepAlive);
  }

  private void reply(JsonReply reply, boolean keepAlive) {
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (keepAlive) {
      ctx.writeAndFlush(response);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  // ---- WebSocket ------------------------------------------------------------------------------

  private void onFrame(WebSocketFrame frame) {
    if (frame instanceof TextWebSocketFrame text) {
      input.onMessage(new ViewerInput.Inbound(text.text(), null, null));
    } else if (frame instanceof BinaryWebSocketFrame) {
      input.onMessage(new ViewerInput.Inbound(null, "BINARY_NOT_SUPPORTED", "send JSON text messages"));
    } else if (frame instanceof PingWebSocketFrame ping) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
    } else if (frame instanceof CloseWebSocketFrame close) {
      detach();
      handshaker.close(ctx.channel(), close.retain());
    }
  }

  private void drain() {
    drainQueued.set(false);
    if (!attached || closing) {
      return;
    }
    boolean wrote = false;
    while (ctx.channel().isWritable()) {
      Frame f = session.poll();
      if (f != null) {
        byte[] bytes = f.wire(ViewerConnection.WIRE);
        ctx.write(Unpooled.wrappedBuffer(bytes), ctx.voidPromise());
        stats.bytesOut.add(bytes.length);
        stats.framesOut.add(f.size());
        stats.messagesOut.increment();
        wrote = true;
        continue;
      }
      if (session.overflowed()) {
        stopWithNotice("{\"type\":\"reconnect\",\"reason\":\"slow-consumer\",\"since\":" + resumeSeq() + "}");
      } else {
        Frame notice = session.closingNotice();
        if (notice == RECONNECT) {
          stopWithNotice(reconnectNotice());
        } else if (notice != null) {
          stopWithNotice(notice.json);
        }
      }
      break;
    }
    if (wrote) {
      ctx.flush();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && attached) {
      drain();
    }
  }

  void hintReconnect(AtomicInteger budget, Function<String, String> target, String reason) {
    ctx.executor().execute(() -> {
      if (!attached || closing || reconnectReason != null || budget.getAndDecrement() <= 0) {
        return;
      }
      reconnectBase = target.apply(roomId);
      reconnectReason = reason;
      session.close(RECONNECT);
    });
  }

  private long resumeSeq() {
    return Math.max(session.deliveredSeq(), resumedSince);
  }

  private String reconnectNotice() {
    return ViewerConnection.reconnectNotice(reconnectReason, resumeSeq(), reconnectBase, roomId, userId);
  }

  private void stopWithNotice(String json) {
    closing = true;
    detach();
    ctx.write(new TextWebSocketFrame(json));
    ctx.writeAndFlush(new CloseWebSocketFrame(WebSocket.CLOSE_GOING_AWAY, null))
        .addListener(ChannelFutureListener.CLOSE);
  }

  void shutdown() {
    ctx.executor().execute(() -> {
      if (attached) {
        stopWithNotice("{\"type\":\"reconnect\",\"reason\":\"shutdown\"}");
      } else {
        ctx.close();
      }
    });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    detach();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void detach() {
    transport.open.remove(this);
    if (attached) {
      attached = false;
      server.detach(roomId, session);
    }
  }
}
