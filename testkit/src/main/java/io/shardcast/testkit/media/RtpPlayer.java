package io.shardcast.testkit.media;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.fec.ProtectedReceiver;
import io.shardcast.media.rtp.Rtcp;
import io.shardcast.media.rtp.RtpDepacketizer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A low-latency RTP player: subscribes to a room at a node's RTP port (RTCP APP "SUBS"), receives
 * the protected stream (jitter buffer, FEC repair, NACKs, receiver reports) and rebuilds frames.
 * Used by the tests and benchmarks; a real client would decode what {@link #frames} holds.
 */
public final class RtpPlayer implements AutoCloseable {

  private final DatagramChannel channel;
  private final InetSocketAddress node;
  private final String stream;
  private final ProtectedReceiver receiver;
  private final RtpDepacketizer depacketizer;
  private final List<MediaFrame> frames = new ArrayList<>();
  private final Thread thread;
  private final int ssrc = ThreadLocalRandom.current().nextInt();
  private volatile boolean running = true;

  public RtpPlayer(InetSocketAddress node, String stream, long maxWaitMillis) throws IOException {
    this.node = node;
    this.stream = stream;
    this.channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    channel.configureBlocking(false);
    this.depacketizer = new RtpDepacketizer((kind, ts, body) -> {
      synchronized (frames) {
        frames.add(new MediaFrame(kind, ts, body, 0));
      }
    });
    ByteBuffer out = ByteBuffer.allocate(2048);
    this.receiver = new ProtectedReceiver(depacketizer::packet, (b, n) -> {
      out.clear();
      out.put(b, 0, n).flip();
      try {
        channel.send(out, node);
      } catch (IOException ignored) {
        // lost like any datagram
      }
    }, maxWaitMillis, ssrc);
    this.thread = new Thread(this::run, "rtp-player");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    byte[] in = new byte[65536];
    ByteBuffer inBuf = ByteBuffer.wrap(in);
    byte[] subs = new byte[256];
    long lastData = 0;
    long lastSubscribe = 0;
    try {
      while (running) {
        long now = System.currentTimeMillis();
        if (now - lastData > 1000 && now - lastSubscribe > 500) {
          lastSubscribe = now;
          channel.send(ByteBuffer.wrap(subs, 0, Rtcp.subscribe(subs, ssrc, stream)), node);
        }
        inBuf.clear();
        while (channel.receive(inBuf) != null) {
          lastData = now;
          receiver.datagram(in, inBuf.position(), now);
          inBuf.clear();
        }
        receiver.poll(now);
        Thread.sleep(1);
      }
    } catch (IOException | InterruptedException e) {
      // closed
    }
  }

  /** Frames rebuilt so far. */
  public List<MediaFrame> frames() {
    synchronized (frames) {
      return new ArrayList<>(frames);
    }
  }

  public long videoFramesComplete() {
    return depacketizer.videoFramesComplete();
  }

  public long videoFramesDropped() {
    return depacketizer.videoFramesDropped();
  }

  public ProtectedReceiver receiver() {
    return receiver;
  }

  @Override
  public void close() throws IOException {
    running = false;
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.close();
  }
}
