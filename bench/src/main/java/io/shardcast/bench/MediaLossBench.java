package io.shardcast.bench;

import io.shardcast.media.MediaFrame;
import io.shardcast.testkit.media.Ffmpeg;
import io.shardcast.testkit.media.FlvFile;
import io.shardcast.testkit.media.LossProxy;
import io.shardcast.testkit.media.RtpLossTrial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The protected RTP path under loss: a 720p clip (encoded once) sent in real time through the loss
 * proxy at several random loss rates and one bursty (Gilbert-Elliott) setting. Reports the share
 * of video frames complete, the delay the path added (p50/p99), FEC overhead, repairs and
 * retransmissions.
 */
@Command(name = "media-loss", mixinStandardHelpOptions = true,
    description = "Protected RTP under random and bursty loss: frames complete, added delay, FEC overhead.")
public final class MediaLossBench implements Callable<Integer> {

  @Option(names = "--seconds", description = "Clip length per trial (default 20).")
  int seconds = 20;

  @Option(names = "--one-way-delay-ms", description = "Delay the proxy adds each way (default 10: a 20 ms round trip).")
  long delay = 10;

  @Option(names = "--max-wait-ms", description = "Jitter buffer: longest wait for a missing packet (default 250).")
  long maxWait = 250;

  @Option(names = "--bitrate", description = "Video bitrate (default 2500k).")
  String bitrate = "2500k";

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("shardcast-loss-bench");
    Path clip = dir.resolve("clip.flv");
    Ffmpeg.encodeClip(clip, "testsrc2=size=1280x720:rate=30", seconds, bitrate, 60);
    List<MediaFrame> frames = FlvFile.read(clip);
    System.out.printf("clip: %d s 1280x720 30 fps at %s; proxy delay %d ms each way; jitter buffer %d ms%n", seconds,
        bitrate, delay, maxWait);
    System.out.println("| loss | dropped by proxy | video frames complete | added delay p50 / p99 | FEC overhead |"
        + " rebuilt by FEC | retransmitted | given up |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    double[] rates = {0, 0.05, 0.10, 0.20, 0.30};
    for (double p : rates) {
      row(String.format("%.0f%% random", p * 100), frames, LossProxy.random(p));
    }
    // Bursty: bad state 1 in 20 packets entered, left after 4 on average, 60% loss there, 2% outside.
    double mean = LossProxy.meanLoss(0.05, 0.25, 0.02, 0.6);
    row(String.format("bursty (GE, mean %.0f%%)", mean * 100), frames, LossProxy.gilbertElliott(0.05, 0.25, 0.02, 0.6));
    return 0;
  }

  private void row(String name, List<MediaFrame> frames, LossProxy.Model model) throws Exception {
    RtpLossTrial.Result r = RtpLossTrial.run(frames, model, delay, maxWait, 11);
    double dropped = r.proxyDropped() / (double) Math.max(1, r.proxyDropped() + r.proxyForwarded());
    System.out.printf("| %s | %.1f%% | %.2f%% (%d/%d) | %.1f / %.1f ms | %.0f%% | %d | %d | %d |%n", name, dropped * 100,
        r.completeShare() * 100, r.videoComplete(), r.videoSent(), r.p50DelayMillis() - delay,
        r.p99DelayMillis() - delay, r.fecOverhead() * 100, r.recovered(), r.retransmitted(), r.lostPackets());
  }
}
