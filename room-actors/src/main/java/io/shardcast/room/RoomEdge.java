package io.shardcast.room;

import io.shardcast.room.fanout.FanoutStats;
import io.shardcast.room.fanout.FlushGroups;
import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.ViewerSession;
import io.shardcast.room.state.CborSerializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * One room's fan-out on one node. The room entity sends it each frame once; it hands the frame to
 * every local viewer session, keeps the recent frames for viewers who resume with {@code since},
 * holds time-gated frames (a flash sale's open) until their instant, and aggregates likes.
 * It re-announces itself to the room every heartbeat, so a room that moved to another node finds
 * its edges again, and it asks for what it missed whenever it sees a gap in {@code seq}.
 */
public final class RoomEdge extends AbstractBehavior<RoomEdge.Command> {

  /** Messages of the edge; {@link Frames}, {@link Reset} and {@link History} come from the room entity. */
  public sealed interface Command {}

  /** Persisted frames in seq order: live, or a catch-up. */
  public record Frames(List<Frame> frames) implements Command, CborSerializable {}

  /** The room could not fill a gap: continue from this snapshot. */
  public record Reset(Frame snapshot) implements Command, CborSerializable {}

  /**
   * The room's answer to {@link LiveRoom.GetFrames}: the frames it keeps after {@code afterSeq}, in
   * seq order; {@code complete} when they start right after it (the room still had them all).
   */
  public record History(long afterSeq, List<Frame> frames, boolean complete) implements Command, CborSerializable {}

  /** A viewer connected to this node; {@code snapshot} is the room as fetched at connect time. */
  public record Attach(ViewerSession session, long since, Frame snapshot) implements Command {}

  public record Detach(ViewerSession session) implements Command {}

  public record Like(int count) implements Command {}

  private enum Heartbeat implements Command { INSTANCE }

  private enum FlushLikes implements Command { INSTANCE }

  private enum Release implements Command { INSTANCE }

  private enum FlushBatch implements Command { INSTANCE }

  private enum HistoryTimeout implements Command { INSTANCE }

  /**
   * Sale openings are timed by this thread rather than the actor scheduler, whose 10 ms tick would
   * add up to 10 ms to every opening.
   */
  private static final ScheduledThreadPoolExecutor SALE_CLOCK = saleClock();

  private static ScheduledThreadPoolExecutor saleClock() {
    ScheduledThreadPoolExecutor clock = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "shardcast-sale-clock");
      t.setDaemon(true);
      return t;
    });
    clock.setRemoveOnCancelPolicy(true); // an edge that stops or resets leaves no task behind
    return clock;
  }

  /**
   * @param released where the edge shows the highest seq it handed to viewers (read by its directory
   *     for the room's events per second; one ordered write per frame, nothing allocated)
   */
  public static Behavior<Command> create(String roomId, RoomSettings settings, FanoutStats stats,
      AtomicLong released) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RoomEdge(ctx, timers, roomId, settings, stats,
        released)));
  }

  private final TimerScheduler<Command> timers;
  private final String roomId;
  private final RoomSettings settings;
  private final FanoutStats stats;
  private final AtomicLong releasedShown;
  private final EntityRef<LiveRoom.Command> room;
  /** Viewers this edge has taken in since it started (for the room's audience numbers). */
  private long joins;
  /** The local viewers, in the groups that take turns to get the released frames. */
  private final FlushGroups viewers;
  private final ArrayList<FlushGroups.Group> due = new ArrayList<>();
  private final Frame[] ring;
  private int ringHead;
  private int ringCount;
  /** Highest seq received in order from the room; -1 before the first attach. */
  private long receivedSeq = -1;
  /** Highest seq handed to viewers; frames after it wait in {@link #held}. */
  private long releasedSeq = -1;
  private final TreeMap<Long, Frame> early = new TreeMap<>();
  private ScheduledFuture<?> releaseTimer;
  private final ArrayDeque<Frame> held = new ArrayDeque<>();
  /** Scratch for the frames of one batch (taken from the ring). */
  private final Frame[] batch;
  /**
   * The last batch made, and the seqs it spans: groups that lack the same frames (after a sale's
   * opening went to all of them, say) share one rendering.
   */
  private Frame lastBatch;
  private long lastBatchFrom = -1;
  private long lastBatchTo = -1;
  private long likes;
  private long lastResyncMillis;
  /**
   * Viewers resuming from before the oldest frame in the ring (moved here to an edge that is new or
   * was reset), waiting for the room's recent frames; {@link #historyAfter} is what was asked for.
   */
  private final ArrayList<Attach> resuming = new ArrayList<>();
  private long historyAfter = -1;

  private RoomEdge(ActorContext<Command> ctx, TimerScheduler<Command> timers, String roomId, RoomSettings settings,
      FanoutStats stats, AtomicLong released) {
    super(ctx);
    this.releasedShown = released;
    this.timers = timers;
    this.roomId = roomId;
    this.settings = settings;
    this.stats = stats;
    this.room = ClusterSharding.get(ctx.getSystem()).entityRefFor(LiveRoom.TYPE_KEY, roomId);
    this.ring = new Frame[settings.edgeRingSize()];
    this.batch = new Frame[settings.viewerBatchMax()];
    this.viewers = new FlushGroups(settings.viewerBatchGroupSize());
    timers.startTimerWithFixedDelay(Heartbeat.INSTANCE, settings.edgeHeartbeat());
    timers.startTimerWithFixedDelay(FlushLikes.INSTANCE, settings.edgeLikesFlush());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Frames.class, this::onFrames)
        .onMessage(Reset.class, this::onReset)
        .onMessage(History.class, this::onHistory)
        .onMessage(Attach.class, this::onAttach)
        .onMessage(Detach.class, this::onDetach)
        .onMessage(Like.class, m -> {
          likes += m.count();
          return this;
        })
        .onMessageEquals(Heartbeat.INSTANCE, this::onHeartbeat)
        .onMessageEquals(FlushLikes.INSTANCE, this::onFlushLikes)
        .onMessageEquals(Release.INSTANCE, this::onRelease)
        .onMessageEquals(FlushBatch.INSTANCE, this::onFlushBatch)
        .onMessageEquals(HistoryTimeout.INSTANCE, () -> serveResuming(false))
        .onSignal(PostStop.class, s -> {
          cancelRelease();
          return this;
        })
        .build();
  }

  private Behavior<Command> onAttach(Attach a) {
    long since = since(a);
    if (receivedSeq < 0) {
      // First viewer on this node: start from what it already has, so the room only sends the rest.
      long base = since >= 0 ? since : a.snapshot().seq;
      receivedSeq = base;
      releasedSeq = base;
      subscribe();
    }
    if (since >= 0 && since < oldestSeq()) {
      // It resumes from before what this edge holds (the edge is new here, or was reset, and the
      // viewer was moved from another node): the room's recent frames fill the gap, so the viewer
      // gets exactly what it missed; one ask serves every viewer of a wave of moves.
      resuming.add(a);
      if (historyAfter < 0) {
        askHistory(since);
      }
      return this;
    }
    attach(a);
    return this;
  }

  /** The viewer's {@code since}, or -1 for none (or one past what the room had when it connected). */
  private static long since(Attach a) {
    return a.since() > a.snapshot().seq ? -1 : a.since();
  }

  /** The seq just before the oldest frame in the ring. */
  private long oldestSeq() {
    return releasedSeq - ringCount;
  }

  /** Starts a viewer: from its {@code since} when the ring reaches back to it, else from its snapshot. */
  private void attach(Attach a) {
    long since = since(a);
    if (since >= 0 && since >= oldestSeq()) {
      a.session().resumeFrom(since);
    } else {
      a.session().offer(a.snapshot());
    }
    for (int i = 0; i < ringCount; i++) {
      a.session().offer(ring[(ringHead + i) % ring.length]);
    }
    // Its group may not have had the newest released frames yet: they reach the newcomer twice,
    // and its session skips what it has (by seq).
    viewers.add(a.session(), releasedSeq);
    joins++;
  }

  private void askHistory(long afterSeq) {
    historyAfter = afterSeq;
    room.tell(new LiveRoom.GetFrames(afterSeq, getContext().getSelf()));
    timers.startSingleTimer(HistoryTimeout.INSTANCE, settings.edgeHistoryTimeout());
  }

  private Behavior<Command> onHistory(History h) {
    if (h.afterSeq() != historyAfter) {
      return this; // the answer to an ask that timed out
    }
    timers.cancel(HistoryTimeout.INSTANCE);
    if (h.complete()) {
      prepend(h.afterSeq(), h.frames());
    }
    return serveResuming(h.complete());
  }

  /**
   * Puts the room's frames from just after {@code afterSeq} up to the ring's oldest in front of the
   * ring, as far as it has room: they were released long ago, and later viewers of the same wave
   * resume from the ring without asking. Groups' positions are unchanged (they only look forward).
   */
  private void prepend(long afterSeq, List<Frame> frames) {
    long oldest = oldestSeq();
    int missing = (int) Math.min(oldest - afterSeq, ring.length - ringCount);
    if (missing <= 0) {
      return;
    }
    // The frames are consecutive from afterSeq + 1; the ring needs those in (oldest - missing, oldest].
    int last = (int) (oldest - afterSeq) - 1; // index of the frame with seq == oldest
    if (last >= frames.size() || frames.get(last).seq != oldest) {
      return; // not the frames it should be: leave the ring as it is
    }
    for (int i = 0; i < missing; i++) {
      ringHead = (ringHead - 1 + ring.length) % ring.length;
      ring[ringHead] = frames.get(last - i);
    }
    ringCount += missing;
  }

  /**
   * Starts the viewers that waited for the room's frames: from their {@code since} where the ring now
   * reaches back to it. Those older than what was asked for (they came after the ask) are asked for
   * once more when the room answered in full; the rest get their snapshot.
   */
  private Behavior<Command> serveResuming(boolean answered) {
    long asked = historyAfter;
    historyAfter = -1;
    long lowest = Long.MAX_VALUE;
    List<Attach> waiting = List.copyOf(resuming);
    resuming.clear();
    for (Attach a : waiting) {
      long since = since(a);
      if (answered && since >= 0 && since < asked && since < oldestSeq()) {
        resuming.add(a);
        lowest = Math.min(lowest, since);
      } else {
        attach(a);
      }
    }
    if (!resuming.isEmpty()) {
      askHistory(lowest);
    }
    return this;
  }

  private Behavior<Command> onDetach(Detach d) {
    viewers.remove(d.session());
    resuming.removeIf(a -> a.session() == d.session());
    return this;
  }

  private Behavior<Command> onFrames(Frames m) {
    List<Frame> frames = m.frames();
    for (int i = 0; i < frames.size(); i++) {
      accept(frames.get(i));
    }
    while (!early.isEmpty() && early.firstKey() <= receivedSeq + 1) {
      accept(early.pollFirstEntry().getValue());
    }
    if (!early.isEmpty()) {
      resync();
    }
    return this;
  }

  private void accept(Frame f) {
    if (receivedSeq < 0 || f.seq <= receivedSeq) {
      return;
    }
    if (f.seq != receivedSeq + 1) {
      early.put(f.seq, f);
      return;
    }
    receivedSeq = f.seq;
    if (held.isEmpty() && f.releaseAtMillis <= System.currentTimeMillis()) {
      release(f);
    } else {
      held.addLast(f);
      if (held.size() == 1) {
        scheduleRelease();
      }
    }
  }

  private void release(Frame f) {
    if (ringCount == ring.length) {
      ring[ringHead] = f;
      ringHead = (ringHead + 1) % ring.length;
    } else {
      ring[(ringHead + ringCount) % ring.length] = f;
      ringCount++;
    }
    releasedSeq = f.seq;
    releasedShown.lazySet(f.seq);
    if (f.createdAtMillis > 0 && f.releaseAtMillis == 0) {
      stats.fanoutLatency(Math.max(0, System.currentTimeMillis() - f.createdAtMillis));
    }
    long window = settings.batchWindowMillis(viewers.viewers());
    if (f.releaseAtMillis > 0 || window == 0) {
      // A time-gated frame (a sale opening) goes out to everyone at its instant, not a turn later.
      flushAll();
      return;
    }
    List<FlushGroups.Group> groups = viewers.groups();
    for (int i = 0, n = groups.size(); i < n; i++) {
      FlushGroups.Group g = groups.get(i);
      if (releasedSeq - g.sentSeq >= batch.length) {
        flushGroup(g); // a full batch goes at once
      }
    }
    if (!viewers.turning()) {
      onFlushBatch();
    }
  }

  private Behavior<Command> onFlushBatch() {
    long window = settings.batchWindowMillis(viewers.viewers());
    due.clear();
    long wait = viewers.takeTurns(System.nanoTime(), releasedSeq, window * 1_000_000, due);
    for (int i = 0, n = due.size(); i < n; i++) {
      flushGroup(due.get(i));
    }
    due.clear();
    if (wait >= 0) {
      timers.startSingleTimer(FlushBatch.INSTANCE, Duration.ofNanos(wait));
    }
    return this;
  }

  /** Hands every group what it lacks. */
  private void flushAll() {
    List<FlushGroups.Group> groups = viewers.groups();
    for (int i = 0, n = groups.size(); i < n; i++) {
      flushGroup(groups.get(i));
    }
  }

  /**
   * Hands a group's viewers the released frames they lack, from the ring, as one message (one
   * shared rendering; more than {@code batch-max} frames go as several).
   */
  private void flushGroup(FlushGroups.Group g) {
    long from = Math.max(g.sentSeq, releasedSeq - ringCount); // the ring holds a full batch at least
    while (from < releasedSeq) {
      int n = (int) Math.min(batch.length, releasedSeq - from);
      Frame out = lastBatch;
      if (from != lastBatchFrom || from + n != lastBatchTo) {
        int first = (int) ((ringHead + ringCount - (releasedSeq - from)) % ring.length);
        for (int i = 0; i < n; i++) {
          batch[i] = ring[(first + i) % ring.length];
        }
        out = Frame.batch(batch, 0, n);
        Arrays.fill(batch, 0, n, null);
        lastBatch = out;
        lastBatchFrom = from;
        lastBatchTo = from + n;
      }
      ArrayList<ViewerSession> members = g.members;
      for (int i = 0, m = members.size(); i < m; i++) {
        members.get(i).offer(out);
      }
      from += n;
    }
    g.sentSeq = releasedSeq;
  }

  private void scheduleRelease() {
    long delay = Math.max(0, held.peekFirst().releaseAtMillis - System.currentTimeMillis());
    cancelRelease();
    ActorRef<Command> self = getContext().getSelf();
    releaseTimer = SALE_CLOCK.schedule(() -> self.tell(Release.INSTANCE), delay, TimeUnit.MILLISECONDS);
  }

  private void cancelRelease() {
    if (releaseTimer != null) {
      releaseTimer.cancel(false);
      releaseTimer = null;
    }
  }

  private Behavior<Command> onRelease() {
    releaseTimer = null;
    long now = System.currentTimeMillis();
    while (!held.isEmpty() && held.peekFirst().releaseAtMillis <= now) {
      release(held.pollFirst());
    }
    if (!held.isEmpty()) {
      scheduleRelease();
    }
    return this;
  }

  private Behavior<Command> onReset(Reset r) {
    Frame snap = r.snapshot();
    if (receivedSeq >= 0 && snap.seq <= receivedSeq) {
      return this;
    }
    getContext().getLog().info("room {} edge reset to snapshot at seq {} (had {})", roomId, snap.seq, receivedSeq);
    flushAll();
    receivedSeq = snap.seq;
    releasedSeq = snap.seq;
    releasedShown.lazySet(snap.seq);
    held.clear();
    cancelRelease();
    ringCount = 0;
    lastBatch = null;
    lastBatchFrom = -1;
    lastBatchTo = -1;
    early.headMap(snap.seq, true).clear();
    List<FlushGroups.Group> groups = viewers.groups();
    for (int i = 0, n = groups.size(); i < n; i++) {
      FlushGroups.Group g = groups.get(i);
      g.sentSeq = snap.seq;
      for (int j = 0, m = g.members.size(); j < m; j++) {
        g.members.get(j).offer(snap);
      }
    }
    return onFrames(new Frames(List.of()));
  }

  private Behavior<Command> onHeartbeat() {
    if (receivedSeq >= 0) {
      subscribe();
    }
    return this;
  }

  private Behavior<Command> onFlushLikes() {
    if (likes > 0) {
      room.tell(new LiveRoom.EdgeLikes(likes));
      likes = 0;
    }
    return this;
  }

  private void resync() {
    long now = System.currentTimeMillis();
    if (now - lastResyncMillis >= settings.edgeLikesFlush().toMillis()) {
      lastResyncMillis = now;
      subscribe();
    }
  }

  private void subscribe() {
    room.tell(new LiveRoom.SubscribeEdge(getContext().getSelf(), receivedSeq, viewers.viewers(), joins));
  }
}
