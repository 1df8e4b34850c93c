package io.shardcast.bench.jmh;

import io.shardcast.media.flv.Flv;
import io.shardcast.media.transcode.AudioTranscoder;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The origin's AAC to Opus for WebRTC viewers, once per stream: one operation is one second of
 * a stereo 44.1 kHz AAC stream (43 frames of ffmpeg's AAC encoder at 64 kbit/s) decoded,
 * resampled to 48 kHz and encoded by libopus at 64 kbit/s. The time per operation is the share
 * of a core one stream costs (1 ms/op = 0.1% of a core). Not final: JMH extends state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AacToOpusBench {

  /** The raw AAC frames of the first second of {@code media/tone-2s-aac.flv}, and its config. */
  private byte[] config;
  private final List<byte[]> frames = new ArrayList<>();
  private AudioTranscoder transcoder;
  private long timestamp;
  private long bytesOut;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    if (!AudioTranscoder.available()) {
      throw new IllegalStateException("FFmpeg's native libraries do not load here");
    }
    try (InputStream in = AacToOpusBench.class.getResourceAsStream("/media/tone-2s-aac.flv");
        DataInputStream d = new DataInputStream(in)) {
      d.skipNBytes(13);
      while (d.available() > 0 && frames.size() < 43) {
        int type = d.readUnsignedByte() & 0x1F;
        int size = (d.readUnsignedByte() << 16) | (d.readUnsignedByte() << 8) | d.readUnsignedByte();
        d.skipNBytes(7);
        byte[] body = new byte[size];
        d.readFully(body);
        d.skipNBytes(4);
        if (type == Flv.AUDIO && Flv.isAudioConfig(body)) {
          config = Arrays.copyOfRange(body, 2, body.length);
        } else if (type == Flv.AUDIO) {
          frames.add(body);
        }
      }
    }
    transcoder = AudioTranscoder.aacToOpus(config, (ts, body) -> bytesOut += body.length);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    transcoder.close();
  }

  /** One second of the stream, its timestamps running on (1024 samples at 44.1 kHz a frame). */
  @Benchmark
  public long oneSecondOfAudio() {
    for (byte[] f : frames) {
      transcoder.packet(timestamp * 1000 / 44_100, f, 2, f.length - 2);
      timestamp += 1024;
    }
    return bytesOut;
  }
}
