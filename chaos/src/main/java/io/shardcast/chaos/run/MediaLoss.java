package io.shardcast.chaos.run;

import io.shardcast.testkit.media.LossProxy;

/** Loss on every media player's path: random 10%, bursty, then random 30%, in turn, 12 s a round (media-loss). */
final class MediaLoss implements Fault {

  private static final int ROUND_S = 20;
  private static final long LOSS_MS = 12_000;
  private static final String[] PROFILES = {"random 10%", "bursty (Gilbert-Elliott, mean 12%)", "random 30%"};
  private static final LossProxy.Model[] MODELS = {LossProxy.random(0.10),
      LossProxy.gilbertElliott(0.05, 0.25, 0.02, 0.6), LossProxy.random(0.30)};

  private final MediaLossRig rig;
  private final FaultLog faults;
  private int round;

  MediaLoss(MediaLossRig rig, FaultLog faults) {
    this.rig = rig;
    this.faults = faults;
  }

  @Override
  public void injectUntil(long deadline) throws Exception {
    Fault.rounds(deadline, ROUND_S, this::round);
  }

  private void round() throws Exception {
    int p = round++ % MODELS.length;
    faults.start("media-loss " + PROFILES[p], "media", FaultLog.MEDIA_PATH);
    rig.lose(MODELS[p]);
    Thread.sleep(LOSS_MS);
    rig.lose(MediaLossRig.NO_LOSS);
    faults.end("media-loss " + PROFILES[p], "media", FaultLog.MEDIA_PATH);
  }
}
