package io.shardcast.media.serve;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.shardcast.media.MediaClock;
import io.shardcast.media.MediaFrame;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.flv.Flv;
import io.shardcast.media.play.LayerSelector;
import io.shardcast.media.play.Playback;
import io.shardcast.wire.HttpAnswer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP-FLV viewers served by Netty (NIO event loops) instead of the media loops: the same
 * playback (GOP start, layer choice, lag), frames written from the shared encoded bytes (wrapped,
 * not copied) after the same coalescing window. Kept to measure the two side by side
 * ({@code shardcast.media.http-transport = netty}); RTMP and WebSocket-FLV stay on the loops.
 */
final class NettyFlvTransport {

  private static final Pattern PATH = Pattern.compile("/live/([A-Za-z0-9_-]{1,64})\\.flv");
  private static final long HOUSEKEEPING_MILLIS = 250;

  /** One event loop's viewers, their pass and its timing. */
  private static final class Loop {
    final int index;
    final EventLoop executor;
    final List<Viewer> viewers = new ArrayList<>();
    final DeliveryLatency latency = new DeliveryLatency();
    volatile Thread thread;
    volatile boolean scheduled;
    volatile long lastPassNanos;
    volatile long bytesOut;

    Loop(int index, EventLoop executor) {
      this.index = index;
      this.executor = executor;
    }
  }

  private final MediaServer server;
  private final NioEventLoopGroup boss;
  private final NioEventLoopGroup workers;
  private final Map<EventExecutor, Loop> loops = new IdentityHashMap<>();
  private final Channel listener;
  private final long coalesceNanos;

  NettyFlvTransport(MediaServer server, MediaSettings settings) throws InterruptedException {
    this.server = server;
    this.coalesceNanos = settings.writeCoalesce().toNanos();
    boss = new NioEventLoopGroup(1, new DefaultThreadFactory("shardcast-media-netty-accept", true));
    workers = new NioEventLoopGroup(settings.ioThreads(), new DefaultThreadFactory("shardcast-media-netty", true));
    int i = 0;
    for (EventExecutor e : workers) {
      Loop loop = new Loop(i++, (EventLoop) e);
      loops.put(e, loop);
      e.execute(() -> loop.thread = Thread.currentThread());
      e.scheduleAtFixedRate(() -> housekeeping(loop), HOUSEKEEPING_MILLIS, HOUSEKEEPING_MILLIS, TimeUnit.MILLISECONDS);
    }
    listener = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_SNDBUF, settings.sendBufferBytes())
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast("http", new HttpServerCodec())
                .addLast("aggregator", new HttpObjectAggregator(8192))
                .addLast("viewer", new Viewer(loops.get(ch.eventLoop())));
          }
        })
        .bind(new InetSocketAddress(settings.iface(), settings.httpPort())).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /**
   * A frame was published: each loop writes what its viewers lack, at once when its last pass is a
   * coalescing window ago, else when the window ends (as the media loops do).
   */
  void wake() {
    long now = System.nanoTime();
    for (Loop loop : loops.values()) {
      if (!loop.scheduled) {
        loop.scheduled = true;
        long wait = coalesceNanos - (now - loop.lastPassNanos);
        if (wait <= 0) {
          loop.executor.execute(() -> pass(loop));
        } else {
          loop.executor.schedule(() -> pass(loop), wait, TimeUnit.NANOSECONDS);
        }
      }
    }
  }

  private void pass(Loop loop) {
    loop.scheduled = false;
    loop.lastPassNanos = System.nanoTime();
    for (int i = 0; i < loop.viewers.size(); i++) {
      loop.viewers.get(i).pump();
    }
  }

  private void housekeeping(Loop loop) {
    long now = System.currentTimeMillis();
    for (int i = loop.viewers.size() - 1; i >= 0; i--) {
      Viewer v = loop.viewers.get(i);
      v.playback.observe(now);
      if (v.playback.over(now, server.settings.endGrace().toMillis())) {
        v.ctx.close();
      }
    }
  }

  void addLatency(long[] into) {
    for (Loop loop : loops.values()) {
      loop.latency.addTo(into);
    }
  }

  void resetLatency() {
    for (Loop loop : loops.values()) {
      loop.executor.execute(loop.latency::reset);
    }
  }

  long bytesOut() {
    long sum = 0;
    for (Loop loop : loops.values()) {
      sum += loop.bytesOut;
    }
    return sum;
  }

  long cpuNanos() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Loop loop : loops.values()) {
      Thread t = loop.thread;
      sum += t == null ? 0 : Math.max(0, mx.getThreadCpuTime(t.getId()));
    }
    return sum;
  }

  void close() {
    listener.close().syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One HTTP-FLV viewer. */
  private final class Viewer extends ChannelInboundHandlerAdapter {
    final Loop loop;
    ChannelHandlerContext ctx;
    Playback playback;
    MediaRoom room;

    Viewer(Loop loop) {
      this.loop = loop;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof FullHttpRequest req && playback == null) {
          request(req);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void request(FullHttpRequest req) {
      Matcher m = PATH.matcher(req.uri().split("\\?", 2)[0]);
      if (!m.matches()) {
        answer(HttpAnswer.error(404, "NOT_FOUND", "this transport serves /live/<roomId>.flv", ""));
        return;
      }
      String roomId = m.group(1);
      MediaRoom existing = server.hub.existing(roomId);
      if (existing != null && existing.live()) {
        start(existing);
        return;
      }
      server.directory.watch(roomId).whenComplete((d, e) -> ctx.executor().execute(() -> {
        if (e != null || !d.ok()) {
          answer(HttpAnswer.error(503, "UNAVAILABLE", "room " + roomId + " cannot be played", ""));
        } else {
          start(server.hub.room(roomId));
        }
      }));
    }

    private void answer(byte[] bytes) {
      ctx.pipeline().remove("http");
      ctx.pipeline().remove("aggregator");
      ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(f -> ctx.close());
    }

    private void start(MediaRoom r) {
      ctx.pipeline().remove("http");
      ctx.pipeline().remove("aggregator");
      MediaSettings s = server.settings;
      LayerSelector layers = new LayerSelector(s.layerDownBacklog().toMillis(), s.layerCalmBacklog().toMillis(),
          s.layerMinHold().toMillis(), s.layerMaxHold().toMillis());
      playback = new Playback(r, null, null, MediaFrame.FLV, loop.index, loops.size(), s.maxLag().toMillis(), layers);
      room = r;
      r.viewerJoined();
      server.viewers.incrementAndGet();
      ctx.write(Unpooled.wrappedBuffer(HttpAnswer.head(200, "video/x-flv", -1, "Cache-Control: no-cache\r\n", true)));
      ctx.write(Unpooled.wrappedBuffer(Flv.FILE_HEADER.clone()));
      loop.viewers.add(this);
      pump();
    }

    void pump() {
      if (playback == null || !ctx.channel().isActive()) {
        return;
      }
      boolean wrote = false;
      long now = System.currentTimeMillis();
      while (ctx.channel().isWritable()) {
        ByteBuffer next = playback.next(now);
        if (next == null) {
          break;
        }
        int n = next.remaining();
        // The view is this loop's, rewound for the next viewer: Netty writes later, so it gets its own.
        ctx.write(Unpooled.wrappedBuffer(next.slice()), ctx.voidPromise());
        loop.bytesOut += n;
        loop.latency.record(MediaClock.nowMicros() - playback.lastFrameIngestMicros());
        wrote = true;
      }
      if (wrote) {
        ctx.flush();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        pump();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (room != null) {
        room.viewerLeft();
        server.viewers.decrementAndGet();
        room = null;
      }
      loop.viewers.remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
