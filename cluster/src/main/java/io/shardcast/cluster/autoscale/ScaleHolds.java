package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.policy.AutoscalerSettings;
import io.shardcast.autoscaler.signal.OperatorHold;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.LWWRegisterKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's hold on the number of active nodes ({@code shardcast ops scale --active N}): checked,
 * written to Distributed Data with a majority (so the next singleton, wherever it starts, reads it
 * back) and handed to the policy each tick. The policy carries it out with its own actions.
 */
final class ScaleHolds {

  private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);
  static final Key<LWWRegister<ScaleHold>> KEY = LWWRegisterKey.create("shardcast-operator-scale-hold");
  /** The longest hold an operator may set: a forgotten hold must not pin capacity for days. */
  static final Duration MAX_HOLD = Duration.ofHours(24);
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);

  private final AutoscalerSettings settings;
  private final boolean acting;
  private final ReplicatorMessageAdapter<Autoscaler.Command, LWWRegister<ScaleHold>> replicator;
  private final SelfUniqueAddress self;
  private ScaleHold current = ScaleHold.NONE;

  ScaleHolds(AutoscalerSettings settings, boolean acting,
      ReplicatorMessageAdapter<Autoscaler.Command, LWWRegister<ScaleHold>> replicator, SelfUniqueAddress self) {
    this.settings = settings;
    this.acting = acting;
    this.replicator = replicator;
    this.self = self;
    replicator.subscribe(KEY, Autoscaler.HoldSeen::new);
  }

  ScaleHold current() {
    return current;
  }

  OperatorHold forPolicy(long now) {
    return current.forPolicy(now);
  }

  void seen(Replicator.SubscribeResponse<LWWRegister<ScaleHold>> change) {
    if (change instanceof Replicator.Changed<LWWRegister<ScaleHold>> c) {
      ScaleHold h = c.get(KEY).getValue();
      if (!h.equals(current)) {
        current = h;
        log.info("autoscaler: operator hold {}", h.active() == 0 ? "released"
            : "of " + h.active() + " active by " + h.by() + " until " + java.time.Instant.ofEpochMilli(h.untilMillis()));
      }
    }
  }

  /** Checks the order and writes it; the answer goes to {@code replyTo} once a majority has it. */
  void order(Autoscaler.Scale o, long now) {
    if (!acting) {
      o.replyTo().tell(new ScaleAnswer.Refused(ScaleAnswer.Refusal.NOT_ACTING, "the autoscaler is advisory "
          + "(shardcast.autoscaler.acting = off): it would not carry a hold out"));
      return;
    }
    if (o.active() != 0 && (o.active() < settings.minActive() || o.active() > settings.maxNodes())) {
      o.replyTo().tell(new ScaleAnswer.Refused(ScaleAnswer.Refusal.OUT_OF_RANGE, "active must be "
          + settings.minActive() + ".." + settings.maxNodes() + " (min-active..max-nodes), not " + o.active()));
      return;
    }
    if (o.active() != 0 && (o.forMillis() <= 0 || o.forMillis() > MAX_HOLD.toMillis())) {
      o.replyTo().tell(new ScaleAnswer.Refused(ScaleAnswer.Refusal.OUT_OF_RANGE, "a hold lasts more than 0 "
          + "and at most " + MAX_HOLD.toHours() + "h"));
      return;
    }
    ScaleHold hold = o.active() == 0 ? new ScaleHold(0, now, o.by(), now)
        : new ScaleHold(o.active(), now + o.forMillis(), o.by(), now);
    replicator.askUpdate(
        replyTo -> new Replicator.Update<>(KEY, LWWRegister.create(self, ScaleHold.NONE),
            new Replicator.WriteMajority(WRITE_TIMEOUT), replyTo, r -> r.withValue(self, hold)),
        rsp -> new Autoscaler.HoldWritten(rsp, hold, o.replyTo()));
  }

  void written(Autoscaler.HoldWritten w) {
    if (w.response() instanceof Replicator.UpdateSuccess) {
      current = w.hold(); // ours at once; the subscription confirms it
      w.replyTo().tell(new ScaleAnswer.Held(w.hold()));
    } else {
      w.replyTo().tell(new ScaleAnswer.Refused(ScaleAnswer.Refusal.NOT_REPLICATED, "a majority of nodes did not "
          + "confirm the hold in " + WRITE_TIMEOUT.toSeconds() + "s; it may still apply: read the autoscaler and retry"));
    }
  }
}
