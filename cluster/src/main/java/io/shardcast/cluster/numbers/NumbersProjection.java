package io.shardcast.cluster.numbers;

import io.shardcast.cluster.journal.ProjectionOffsets;
import io.shardcast.cluster.journal.ProjectionOffsets.Progress;
import io.shardcast.room.state.EventTags;
import io.shardcast.room.state.RoomEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the per-platform numbers up to date from the journal's tagged streams: one reader per tag
 * (a sharded daemon process, so the four spread over the nodes), each folding a batch of events
 * (up to 1,000, or what arrived in a second) and writing it with its offset in one transaction
 * ({@link NumbersStore}): exactly once, whatever restarts.
 */
public final class NumbersProjection {

  static final String PROJECTION = "numbers";
  private static final Logger log = LoggerFactory.getLogger(NumbersProjection.class);

  private NumbersProjection() {}

  public static void start(ActorSystem<?> system, ProjectionOffsets offsets) {
    NumbersStore store = new NumbersStore(offsets);
    ShardedDaemonProcess.get(system).init(Void.class, "platform-numbers", EventTags.STREAMS,
        i -> stream(store, offsets, EventTags.tag(i)));
  }

  private static Behavior<Void> stream(NumbersStore store, ProjectionOffsets offsets, String tag) {
    return Behaviors.setup(ctx -> {
      ActorSystem<?> system = ctx.getSystem();
      Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
      JdbcReadJournal journal = PersistenceQuery.get(system)
          .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      Source<Done, ?> run = RestartSource.withBackoff(
          RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2), () -> {
            NumbersFold fold = new NumbersFold(); // what it remembers is rebuilt from the store and the stream
            return Source.completionStage(CompletableFuture.supplyAsync(() -> load(offsets, tag), blocking))
                .flatMapConcat(start -> journal.eventsByTag(tag, Offset.sequence(start.ordering()))
                    .groupedWithin(1000, Duration.ofSeconds(1))
                    .mapAsync(1, batch -> CompletableFuture.supplyAsync(() -> {
                      apply(store, fold, tag, batch);
                      return Done.getInstance();
                    }, blocking)));
          });
      UniqueKillSwitch stop = run.viaMat(KillSwitches.single(), Keep.right()).toMat(Sink.ignore(), Keep.left())
          .run(system);
      return Behaviors.receive(Void.class).onSignal(PostStop.class, signal -> {
        stop.shutdown();
        return Behaviors.same();
      }).build();
    });
  }

  private static void apply(NumbersStore store, NumbersFold fold, String tag, List<EventEnvelope> events) {
    NumbersFold.Batch batch = new NumbersFold.Batch();
    long ordering = 0;
    for (EventEnvelope env : events) {
      ordering = ((Sequence) env.offset()).value();
      if (env.event() instanceof RoomEvent e) {
        String roomId = env.persistenceId().substring(env.persistenceId().indexOf('|') + 1);
        fold.add(batch, roomId, env.timestamp(), e, store::sale);
      }
    }
    long now = System.currentTimeMillis();
    try {
      store.apply(batch, new Progress(PROJECTION, tag, ordering, 0, 0, null, now, null, 0, 0, now));
    } catch (java.sql.SQLException e) {
      log.warn("platform numbers on {}: a batch of {} events not written ({}); the stream starts again from its "
          + "last offset", tag, events.size(), e.getMessage());
      throw new IllegalStateException(e);
    }
  }

  private static Progress load(ProjectionOffsets offsets, String tag) {
    try {
      return offsets.load(PROJECTION, tag);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot read the offset of the platform numbers on " + tag, e);
    }
  }
}
