package io.shardcast.autoscaler.policy;

/**
 * How far ahead, in seconds, capacity is sized at one tick: a standby activated now serves after
 * {@code activation}, a node started now after {@code provision}; a spike is judged over {@code panic}.
 *
 * @param interval the policy's tick, in seconds
 */
record Horizons(double interval, double activation, double provision, double panic) {

  static Horizons of(AutoscalerSettings settings, StartupTimes startup) {
    double interval = settings.interval().toMillis() / 1000.0;
    double activation = startup.activationSeconds() + interval;
    double provision = startup.coldStartSeconds() + activation;
    // A spike is judged, and panic starts sized, over at least panic.min-horizon: with fast starts
    // the cold-start horizon alone orders capacity for a few seconds of growth at a time, each
    // order late by the time it serves, and the spike outruns it one node at a time.
    double panic = Math.max(settings.panicMinHorizon().toMillis() / 1000.0, provision);
    return new Horizons(interval, activation, provision, panic);
  }
}
