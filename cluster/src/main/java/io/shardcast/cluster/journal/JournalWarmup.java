package io.shardcast.cluster.journal;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovers an entity that never writes, once, when the node starts: the journal and snapshot
 * queries a room's recovery runs are then prepared and their connections open before the node
 * takes over a lost node's rooms (the chaos suite measured the first recovery on a node at
 * 0.8-1 s without this, 0.2-0.4 s with it).
 */
public final class JournalWarmup extends EventSourcedBehavior<Object, Object, Object> {

  private static final Logger log = LoggerFactory.getLogger(JournalWarmup.class);

  /** An id no room can have (room ids are [A-Za-z0-9_-]), read and never written. */
  static final PersistenceId ID = PersistenceId.ofUniqueId("shardcast:journal-warmup");

  private final long startNanos = System.nanoTime();
  private final ActorRef<Object> self;

  private JournalWarmup(ActorRef<Object> self) {
    super(ID);
    this.self = self;
  }

  /** Whether {@code shardcast.journal.warm-up} asks for it: on, off, or auto (with PostgreSQL). */
  public static boolean wanted(Config config) {
    String mode = config.getString("shardcast.journal.warm-up");
    return switch (mode) {
      case "on", "true", "yes" -> true;
      case "off", "false", "no" -> false;
      case "auto" -> config.getString("shardcast.journal.kind").equals("postgres");
      default -> throw new IllegalArgumentException("shardcast.journal.warm-up must be auto, on or off, not " + mode);
    };
  }

  /**
   * Starts the journal and snapshot store (by their first use) and the recovery, in the
   * background; the node does not wait for it.
   */
  public static void run(ActorSystem<?> system) {
    system.systemActorOf(Behaviors.<Object>setup(ctx -> new JournalWarmup(ctx.getSelf())), "journal-warmup", Props.empty());
  }

  @Override
  public Object emptyState() {
    return "";
  }

  @Override
  public CommandHandler<Object, Object, Object> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onAnyCommand(c -> Effect().stop());
  }

  @Override
  public EventHandler<Object, Object> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, e) -> state);
  }

  @Override
  public SignalHandler<Object> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), s -> {
          log.info("journal warmed up in {} ms", (System.nanoTime() - startNanos) / 1_000_000);
          self.tell("stop");
        })
        .onSignal(RecoveryFailed.class, (s, f) -> log.warn("journal warm-up failed (the first room recovered "
            + "here will be slower): {}", f.getFailure().toString()))
        .build();
  }
}
