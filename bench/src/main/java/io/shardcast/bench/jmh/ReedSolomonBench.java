package io.shardcast.bench.jmh;

import io.shardcast.media.fec.ProtectedReceiver;
import io.shardcast.media.fec.ProtectedSender;
import io.shardcast.media.fec.ReedSolomon;
import io.shardcast.media.rtp.Rtcp;
import io.shardcast.media.rtp.Rtp;
import io.shardcast.media.rtp.RtpPacketizer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reed-Solomon protection of one FEC group of the protected RTP path: a video frame of ten full RTP
 * packets (1,200-byte payloads, about 12 KB: a 720p frame at 2.5 Mbit/s), two parity packets (what
 * the sender sends for ten packets at its assumed 5% loss), two packets lost and rebuilt. The codec
 * alone, then the sender's and the receiver's whole per-packet path around it. One operation is one
 * group. Not final: JMH extends state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReedSolomonBench {

  private static final int GROUP = ProtectedSender.MAX_GROUP;
  private static final int PARITY = 2;
  private static final int PACKET_BYTES = Rtp.HEADER_BYTES + RtpPacketizer.MAX_PAYLOAD;
  /** A symbol is [length (2 bytes), the packet with its 8-byte sequence extension], as the sender makes it. */
  private static final int SYMBOL_BYTES = 2 + PACKET_BYTES + ProtectedSender.EXTENSION_BYTES;
  /** Data symbols lost in the decode benchmark: as many as the parity rebuilds. */
  private static final int[] LOST = {3, 7};
  /** The media packet of each group the lossy path drops (10% loss). */
  private static final int DROPPED_INDEX = 4;
  private static final long FRAME_INTERVAL_MILLIS = 33;
  private static final long RECEIVER_MAX_WAIT_MILLIS = 250;
  private static final int SSRC = 0x5EED;

  private final byte[][] data = new byte[GROUP][SYMBOL_BYTES];
  private final byte[][] parity = new byte[PARITY][SYMBOL_BYTES];
  private final boolean[] present = new boolean[GROUP];
  private final boolean[] parityPresent = new boolean[PARITY];
  private final byte[][] lostOriginals = new byte[LOST.length][];
  private final ReedSolomon.Decoder decoder = new ReedSolomon.Decoder(GROUP);

  private final byte[][] packets = new byte[GROUP][PACKET_BYTES];
  private ProtectedSender sender;
  private ProtectedSender lossySender;
  private ProtectedReceiver receiver;
  private long nowMillis;
  private long sentBytes;
  private int groupIndex;
  private long deliveredPackets;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    for (byte[] d : data) {
      d[0] = (byte) (PACKET_BYTES >>> 8);
      d[1] = (byte) PACKET_BYTES;
      for (int b = 2; b < SYMBOL_BYTES; b++) {
        d[b] = (byte) random.nextInt(256);
      }
    }
    for (int i = 0; i < PARITY; i++) {
      ReedSolomon.parity(data, GROUP, SYMBOL_BYTES, i, parity[i], 0);
      parityPresent[i] = true;
    }
    Arrays.fill(present, true);
    for (int i = 0; i < LOST.length; i++) {
      present[LOST[i]] = false;
      lostOriginals[i] = data[LOST[i]].clone();
    }

    for (int j = 0; j < GROUP; j++) {
      byte[] p = packets[j];
      for (int b = Rtp.HEADER_BYTES; b < PACKET_BYTES; b++) {
        p[b] = (byte) random.nextInt(256);
      }
      // The frame's last packet carries the marker, which closes the group.
      Rtp.header(p, Rtp.PT_H264, j == GROUP - 1, j, 0, SSRC);
    }
    sender = new ProtectedSender((b, n) -> sentBytes += n, SSRC, true);
    receiver = new ProtectedReceiver((b, n) -> deliveredPackets++, (b, n) -> sentBytes += n, RECEIVER_MAX_WAIT_MILLIS,
        SSRC + 1);
    lossySender = new ProtectedSender(this::overLossyPath, SSRC, true);
  }

  /** The path from lossy sender to receiver: drops one media packet in ten. */
  private void overLossyPath(byte[] b, int n) {
    boolean media = !Rtcp.isRtcp(b, n) && Rtp.payloadType(b) != Rtp.PT_FEC;
    if (media && groupIndex++ % GROUP == DROPPED_INDEX) {
      return;
    }
    receiver.datagram(b, n, nowMillis);
  }

  /** The parity of one group: what the sender computes as each group closes. */
  @Benchmark
  public byte[][] encodeGroup() {
    for (int i = 0; i < PARITY; i++) {
      ReedSolomon.parity(data, GROUP, SYMBOL_BYTES, i, parity[i], 0);
    }
    return parity;
  }

  /** Two lost packets of a group rebuilt from the other eight and the two parity packets. */
  @Benchmark
  public boolean decodeGroup() {
    return decoder.recover(data, present, parity, parityPresent, GROUP, SYMBOL_BYTES);
  }

  /** The sender's whole path for one frame: sequence extension, history, group, parity, sender reports. */
  @Benchmark
  public long sendFrame() {
    for (byte[] p : packets) {
      sender.send(p, PACKET_BYTES, nowMillis);
    }
    nowMillis += FRAME_INTERVAL_MILLIS;
    return sentBytes;
  }

  /**
   * Sender and receiver of one frame over a path that loses one packet in ten: the receiver's jitter
   * buffer, repair from parity and delivery in order. Subtract {@link #sendFrame} for the receiver alone.
   */
  @Benchmark
  public long sendAndReceiveFrameAt10PercentLoss() {
    for (byte[] p : packets) {
      lossySender.send(p, PACKET_BYTES, nowMillis);
    }
    receiver.poll(nowMillis);
    nowMillis += FRAME_INTERVAL_MILLIS;
    return deliveredPackets;
  }

  /** A run in which nothing was rebuilt, or something was given up, measured another path. */
  @TearDown
  public void check() {
    for (int i = 0; i < LOST.length; i++) {
      if (!Arrays.equals(data[LOST[i]], lostOriginals[i])) {
        throw new IllegalStateException("decode rebuilt symbol " + LOST[i] + " wrong");
      }
    }
    if (deliveredPackets > 0 && (receiver.recovered() == 0 || receiver.lost() > 0)) {
      throw new IllegalStateException("receiver rebuilt " + receiver.recovered() + " and gave up on " + receiver.lost());
    }
  }
}
