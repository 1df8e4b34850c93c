package io.shardcast.media.fec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardcast.media.MediaFrame;
import io.shardcast.testkit.media.Ffmpeg;
import io.shardcast.testkit.media.FlvFile;
import io.shardcast.testkit.media.LossProxy;
import io.shardcast.testkit.media.RtpLossTrial;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protected RTP path with a real H.264/AAC clip from ffmpeg, through the loss proxy: at 10%
 * random loss every video frame arrives complete (FEC and NACK), and ffmpeg decodes what arrived.
 */
class ProtectedPathTest {

  @TempDir static Path dir;
  static List<MediaFrame> clip;

  @BeforeAll
  static void encode() throws Exception {
    Path file = dir.resolve("clip.flv");
    Ffmpeg.encodeClip(file, "testsrc=size=640x360:rate=25", 6, "800k", 25);
    clip = FlvFile.read(file);
  }

  @Test
  void withoutLossEveryFrameArrives() throws Exception {
    RtpLossTrial.Result r = RtpLossTrial.run(clip, LossProxy.random(0), 0, 250, 1);
    assertEquals(r.videoSent(), r.videoComplete(), "every video frame complete: " + r);
  }

  @Test
  void atTenPercentRandomLossEveryFrameArrivesCompleteAndDecodes() throws Exception {
    RtpLossTrial.Result r = RtpLossTrial.run(clip, LossProxy.random(0.10), 5, 250, 42);
    assertTrue(r.proxyDropped() > 50, "the proxy did drop packets: " + r);
    assertEquals(r.videoSent(), r.videoComplete(), "every video frame complete: " + r);
    Path out = dir.resolve("received.flv");
    try (OutputStream o = Files.newOutputStream(out)) {
      FlvFile.write(r.received(), o);
    }
    Ffmpeg.Decoded d = Ffmpeg.decode(out.toString(), 30, dir, "received");
    assertTrue(d.clean(), "what arrived decodes without error: " + d);
    assertEquals(r.videoSent(), d.videoFrames(), "and every frame decodes");
  }
}
