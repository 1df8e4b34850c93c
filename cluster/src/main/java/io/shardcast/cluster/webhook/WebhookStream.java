package io.shardcast.cluster.webhook;

import io.shardcast.cluster.journal.ProjectionOffsets;
import io.shardcast.cluster.journal.ProjectionOffsets.Progress;
import io.shardcast.room.state.EventTags;
import io.shardcast.room.state.RoomEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
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
 * One subscriber's deliveries from one tagged stream of the journal ({@link EventTags}): each event
 * in the journal's order, the next only once the subscriber has the one before (so each room's stay
 * in order), retried with backoff until it answers 2xx. Where it stands is saved in
 * {@link ProjectionOffsets} at most every 500 ms, after the deliveries it covers: a restart, or this
 * node's loss, repeats what came after the last save, and loses nothing.
 */
final class WebhookStream {

  private static final Logger log = LoggerFactory.getLogger(WebhookStream.class);

  private WebhookStream() {}

  /** The projection's name in the offsets table. */
  static String projection(WebhookSettings.Subscriber s) {
    return "webhook:" + s.name();
  }

  static Behavior<Void> create(WebhookSettings settings, WebhookSettings.Subscriber subscriber, int stream,
      ProjectionOffsets offsets, WebhookSender sender) {
    return Behaviors.setup(ctx -> {
      ActorSystem<?> system = ctx.getSystem();
      Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
      String tag = EventTags.tag(stream);
      String projection = projection(subscriber);
      JdbcReadJournal journal = PersistenceQuery.get(system)
          .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      AtomicReference<Progress> progress = new AtomicReference<>();
      Source<Done, ?> deliveries = RestartSource.withBackoff(
          RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2), () ->
              Source.completionStage(CompletableFuture.supplyAsync(() -> load(offsets, projection, tag), blocking))
                  .flatMapConcat(start -> {
                    progress.set(start);
                    return journal.eventsByTag(tag, Offset.sequence(start.ordering()));
                  })
                  .mapAsync(1, env -> deliver(system, settings, subscriber, sender, offsets, blocking, progress, env,
                      1, settings.minBackoff().toMillis()))
                  .groupedWithin(500, Duration.ofMillis(500))
                  .mapAsync(1, done -> CompletableFuture.supplyAsync(() -> {
                    save(offsets, progress.get());
                    return Done.getInstance();
                  }, blocking)));
      UniqueKillSwitch stop = deliveries.viaMat(KillSwitches.single(), Keep.right())
          .toMat(Sink.ignore(), Keep.left()).run(system);
      log.info("webhooks to {} from {}: started", subscriber, tag);
      return Behaviors.receive(Void.class).onSignal(PostStop.class, signal -> {
        stop.shutdown();
        return Behaviors.same();
      }).build();
    });
  }

  /** Delivers {@code env} (or skips it: not a webhook, or not one the subscriber wants); completes once it is done. */
  private static CompletionStage<Done> deliver(ActorSystem<?> system, WebhookSettings settings,
      WebhookSettings.Subscriber s, WebhookSender sender, ProjectionOffsets offsets, Executor blocking,
      AtomicReference<Progress> progress, EventEnvelope env, int attempt, long backoffMillis) {
    long ordering = ((org.apache.pekko.persistence.query.Sequence) env.offset()).value();
    String roomId = env.persistenceId().substring(env.persistenceId().indexOf('|') + 1);
    String type = env.event() instanceof RoomEvent e ? WebhookEvents.typeOf(e) : null;
    if (type == null || !s.wants(type)) {
      Progress p = progress.get();
      progress.set(new Progress(p.projection(), p.stream(), ordering, p.done(), p.refused(), p.lastId(),
          p.lastAtMillis(), p.lastError(), p.lastErrorAtMillis(), 0, p.updatedAtMillis()));
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    String id = roomId + ":" + env.sequenceNr();
    byte[] body = WebhookEvents.render(roomId, env.sequenceNr(), env.timestamp(), (RoomEvent) env.event()).toString()
        .getBytes(StandardCharsets.UTF_8);
    return sender.post(s, roomId, id, type, body).thenCompose(outcome -> {
      long now = System.currentTimeMillis();
      Progress p = progress.get();
      if (outcome.delivered() || outcome.refused()) {
        if (outcome.refused()) {
          log.warn("webhook {} ({}) refused by {}: {}; not retried", id, type, s, outcome.describe());
        }
        progress.set(new Progress(p.projection(), p.stream(), ordering, p.done() + (outcome.delivered() ? 1 : 0),
            p.refused() + (outcome.refused() ? 1 : 0), id, now,
            outcome.refused() ? outcome.describe() + " (" + id + ")" : p.lastError(),
            outcome.refused() ? now : p.lastErrorAtMillis(), 0, now));
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      long next = now + backoffMillis;
      Progress failing = new Progress(p.projection(), p.stream(), p.ordering(), p.done(), p.refused(), p.lastId(),
          p.lastAtMillis(), outcome.describe() + " (" + id + ", try " + attempt + ")", now, next, now);
      progress.set(failing);
      if (attempt == 1 || attempt % 10 == 0) {
        log.warn("webhook {} ({}) to {} failed at try {}: {}; again in {} ms", id, type, s, attempt, outcome.describe(),
            backoffMillis);
      }
      CompletableFuture<Done> retry = new CompletableFuture<>();
      CompletableFuture.runAsync(() -> save(offsets, failing), blocking).whenComplete((ok, failure) ->
          system.scheduler().scheduleOnce(Duration.ofMillis(backoffMillis), () ->
              deliver(system, settings, s, sender, offsets, blocking, progress, env, attempt + 1,
                  Math.min(settings.maxBackoff().toMillis(), backoffMillis * 2))
                  .whenComplete((done, error) -> {
                    if (error != null) {
                      retry.completeExceptionally(error);
                    } else {
                      retry.complete(done);
                    }
                  }), system.executionContext()));
      return retry;
    });
  }

  private static Progress load(ProjectionOffsets offsets, String projection, String tag) {
    try {
      return offsets.load(projection, tag);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot read the offset of " + projection + " on " + tag + ": " + e.getMessage(), e);
    }
  }

  private static void save(ProjectionOffsets offsets, Progress p) {
    try {
      offsets.save(p);
    } catch (java.sql.SQLException e) {
      // The next save carries the same progress; until then a restart repeats a little more.
      log.warn("cannot save the offset of {} on {}: {}", p.projection(), p.stream(), e.getMessage());
    }
  }

  /** Every stream the subscribers read: one per subscriber and tag. */
  static List<String> tags() {
    return java.util.stream.IntStream.range(0, EventTags.STREAMS).mapToObj(EventTags::tag).toList();
  }
}
