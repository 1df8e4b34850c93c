package io.shardcast.testkit.media;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.fec.ProtectedReceiver;
import io.shardcast.media.fec.ProtectedSender;
import io.shardcast.media.rtp.Rtp;
import io.shardcast.media.rtp.RtpDepacketizer;
import io.shardcast.media.rtp.RtpPacketizer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends a clip's frames in real time over the protected RTP path through a {@link LossProxy} and
 * reports what arrived: video frames complete, the delay the path added to each (packetized at
 * the sender to completed at the receiver), FEC overhead, repairs and retransmissions.
 */
public final class RtpLossTrial {

  /** What one trial measured. */
  public record Result(long videoSent, long videoComplete, double fecOverhead, double p50DelayMillis,
      double p99DelayMillis, long recovered, long retransmitted, long lostPackets, long proxyDropped,
      long proxyForwarded, List<MediaFrame> received) {

    public double completeShare() {
      return videoSent == 0 ? 0 : videoComplete / (double) videoSent;
    }
  }

  private RtpLossTrial() {}

  public static Result run(List<MediaFrame> frames, LossProxy.Model model, long oneWayDelayMillis,
      long maxWaitMillis, long seed) throws IOException, InterruptedException {
    DatagramChannel receiverChannel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    receiverChannel.configureBlocking(false);
    DatagramChannel senderChannel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    senderChannel.configureBlocking(false);
    try (LossProxy proxy = new LossProxy((InetSocketAddress) receiverChannel.getLocalAddress(), model,
        oneWayDelayMillis, seed)) {
      InetSocketAddress proxyAddress = proxy.address();
      ByteBuffer sendBuf = ByteBuffer.allocate(2048);
      ProtectedSender sender = new ProtectedSender((b, n) -> {
        sendBuf.clear();
        sendBuf.put(b, 0, n).flip();
        try {
          senderChannel.send(sendBuf, proxyAddress);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }, 0x1234, true);
      long[] nowHolder = {0};
      RtpPacketizer packetizer = new RtpPacketizer(0x1111, 0x2222, (p, n, video) -> sender.send(p, n, nowHolder[0]));

      List<MediaFrame> received = new ArrayList<>();
      RtpDepacketizer depacketizer = new RtpDepacketizer((k, ts, body) -> received.add(new MediaFrame(k, ts, body, 0)));
      Map<Long, Long> sentAt = new HashMap<>();
      List<Long> delays = new ArrayList<>();
      ByteBuffer feedbackBuf = ByteBuffer.allocate(2048);
      InetSocketAddress[] senderSeenFrom = {null};
      ProtectedReceiver receiver = new ProtectedReceiver((p, n) -> {
        if (Rtp.payloadType(p) == Rtp.PT_H264 && Rtp.marker(p)) {
          Long t = sentAt.get(Rtp.timestamp(p));
          if (t != null) {
            delays.add(System.nanoTime() - t);
          }
        }
        depacketizer.packet(p, n);
      }, (b, n) -> {
        feedbackBuf.clear();
        feedbackBuf.put(b, 0, n).flip();
        try {
          if (senderSeenFrom[0] != null) {
            receiverChannel.send(feedbackBuf, senderSeenFrom[0]);
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }, maxWaitMillis, 0x4321);

      byte[] in = new byte[2048];
      ByteBuffer inBuf = ByteBuffer.wrap(in);
      long videoSent = 0;
      long start = System.nanoTime();
      long firstTs = frames.isEmpty() ? 0 : frames.get(0).timestamp;
      long endNanos = 0;
      int i = 0;
      while (true) {
        long now = System.nanoTime();
        long nowMillis = now / 1_000_000;
        nowHolder[0] = nowMillis;
        while (i < frames.size() && (frames.get(i).timestamp - firstTs) * 1_000_000L <= now - start) {
          MediaFrame f = frames.get(i++);
          if (f.isVideo() && !f.config && f.body.length > 1 && f.body[1] == 1) {
            videoSent++;
            int cts = ((f.body[2] << 16) | ((f.body[3] & 0xFF) << 8) | (f.body[4] & 0xFF)) << 8 >> 8;
            sentAt.put(((f.timestamp + cts) * 90) & 0xFFFFFFFFL, System.nanoTime());
          }
          packetizer.frame(f);
        }
        if (i == frames.size() && endNanos == 0) {
          endNanos = now + (maxWaitMillis + 500) * 1_000_000L;
        }
        sender.tick(nowMillis);
        inBuf.clear();
        while (senderChannel.receive(inBuf) != null) {
          sender.feedback(in, inBuf.position(), nowMillis);
          inBuf.clear();
        }
        inBuf.clear();
        InetSocketAddress from;
        while ((from = (InetSocketAddress) receiverChannel.receive(inBuf)) != null) {
          senderSeenFrom[0] = from;
          receiver.datagram(in, inBuf.position(), nowMillis);
          inBuf.clear();
        }
        receiver.poll(nowMillis);
        if (endNanos != 0 && now > endNanos) {
          break;
        }
        Thread.sleep(0, 500_000);
      }
      long[] d = delays.stream().mapToLong(Long::longValue).sorted().toArray();
      return new Result(videoSent, depacketizer.videoFramesComplete(), sender.fecOverhead(), quantile(d, 0.5),
          quantile(d, 0.99), receiver.recovered(), receiver.retransmitted(), receiver.lost(), proxy.dropped(),
          proxy.forwarded(), received);
    } finally {
      receiverChannel.close();
      senderChannel.close();
    }
  }

  private static double quantile(long[] sortedNanos, double q) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    return sortedNanos[Math.min(sortedNanos.length - 1, (int) Math.ceil(q * sortedNanos.length) - 1)] / 1e6;
  }
}
