package io.shardcast.cluster.viewer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.shardcast.cluster.gateway.GatewaySettings;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The viewer port served by Netty (NIO event loops, its HTTP/1.1 codec and WebSocket handshake and
 * frame decoder) instead of the node's own loop: the same protocol, kept to measure the two side
 * by side ({@code shardcast.gateway.viewer-transport = netty}).
 */
final class NettyViewerTransport {

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel listener;
  final Set<NettyViewerHandler> open = ConcurrentHashMap.newKeySet();

  NettyViewerTransport(ViewerServer server, GatewaySettings settings) throws InterruptedException {
    boss = new NioEventLoopGroup(1, new DefaultThreadFactory("shardcast-viewers-accept", true));
    workers = new NioEventLoopGroup(settings.viewerIoThreads(), new DefaultThreadFactory("shardcast-viewers", true));
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, settings.viewerAcceptBacklog())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast("http", new HttpServerCodec(4096, settings.viewerMaxHandshakeBytes(), 8192))
                .addLast("aggregator", new HttpObjectAggregator((int) Math.min(Integer.MAX_VALUE,
                    settings.maxBodyBytes())))
                .addLast("viewer", new NettyViewerHandler(server, NettyViewerTransport.this));
          }
        });
    listener = b.bind(new InetSocketAddress(settings.iface(), settings.viewerPort())).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  void hintReconnect(int max, Function<String, String> target, String reason) {
    AtomicInteger budget = new AtomicInteger(max);
    for (NettyViewerHandler h : open) {
      h.hintReconnect(budget, target, reason);
    }
  }

  void unbind() {
    listener.close().syncUninterruptibly();
  }

  void close() {
    unbind();
    for (NettyViewerHandler h : open) {
      h.shutdown();
    }
    workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
