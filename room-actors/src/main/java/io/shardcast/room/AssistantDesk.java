package io.shardcast.room;

import io.shardcast.room.assistant.CatalogView;
import io.shardcast.room.reply.RoomReply;
import io.shardcast.room.state.RoomEvent;
import io.shardcast.room.state.RoomEvent.*;
import io.shardcast.room.state.RoomState;
import java.util.ArrayDeque;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The room's side of its assistant, owned by the room's actor: the child {@link RoomAssistant}
 * while the host has it on or suggesting, what it is told (each comment shown, the live facts
 * after they change), the suggestions waiting for the host and the questions handed to the host.
 * What the assistant says that goes to the journal is the room's to write.
 */
final class AssistantDesk {

  /** Suggestions and handed-over questions kept for the host, at most. */
  static final int KEPT_SUGGESTIONS = 50;
  static final int KEPT_QUESTIONS = 100;

  private ActorRef<RoomAssistant.Command> assistant;
  /** The facts changed since the assistant last got them. */
  private boolean catalogChanged = true;
  private final ArrayDeque<RoomReply.Suggestion> suggestions = new ArrayDeque<>();
  private final ArrayDeque<LiveRoom.AssistantHandover> questions = new ArrayDeque<>();
  private long nextId = 1;
  private io.shardcast.room.assistant.AssistantLoad.Snapshot figures =
      io.shardcast.room.assistant.AssistantLoad.Snapshot.NONE;
  /** The operator's rewording endpoint, or null when it is off. */
  private final io.shardcast.room.assistant.Rewording rewording;

  /** The node's embedder when the operator has embeddings on, else null. */
  private final io.shardcast.room.assistant.Embedder embedder;

  AssistantDesk(io.shardcast.room.assistant.RewordingSettings rewording, boolean embeddings) {
    this.rewording = rewording.enabled() ? new io.shardcast.room.assistant.Rewording(rewording) : null;
    this.embedder = embeddings ? io.shardcast.room.assistant.InstalledEmbedder.get() : null;
  }

  /** The node's embedder when embeddings are on, else null. */
  io.shardcast.room.assistant.Embedder embedder() {
    return embedder;
  }

  /** Starts or stops the assistant as the host's mode in {@code state} says. */
  void follow(ActorContext<LiveRoom.Command> ctx, RoomState state) {
    boolean wanted = !"off".equals(state.assistantMode);
    if (wanted && assistant == null) {
      assistant = ctx.spawn(Behaviors.supervise(RoomAssistant.create(ctx.getSelf(), rewording, embedder))
          .onFailure(SupervisorStrategy.restart()), "assistant-" + nextId++);
      catalogChanged = true;
    } else if (!wanted && assistant != null) {
      ctx.stop(assistant);
      assistant = null;
      figures = io.shardcast.room.assistant.AssistantLoad.Snapshot.NONE;
      suggestions.clear();
    }
  }

  /**
   * Hands the assistant what a write made: the facts when they changed, then each comment, also
   * those over the chat broadcast rate (seq 0) that other viewers never saw: their writers asked.
   */
  void hears(RoomState state, List<RoomEvent> events) {
    if (assistant == null) {
      return;
    }
    for (RoomEvent e : events) {
      if (e instanceof ProductAdded || e instanceof ProductPinned || e instanceof CouponIssued
          || e instanceof CouponClaimed || e instanceof FlashSaleAnnounced || e instanceof FlashSaleOpened
          || e instanceof SaleProgress || e instanceof PoliciesSet) {
        catalogChanged = true;
      }
    }
    for (RoomEvent e : events) {
      RoomAssistant.Asked asked = null;
      if (e instanceof CommentPosted c) {
        asked = new RoomAssistant.Asked(c.seq(), c.userId(), c.text(), c.atMillis());
      } else if (e instanceof PlatformCommentPosted c) {
        asked = new RoomAssistant.Asked(c.seq(), c.userName(), c.text(), c.atMillis());
      }
      if (asked != null) {
        if (catalogChanged) {
          assistant.tell(new RoomAssistant.Catalog(CatalogView.of(state, System.currentTimeMillis())));
          catalogChanged = false;
        }
        assistant.tell(asked);
      }
    }
  }

  /** Keeps a suggestion for the host (suggest mode). */
  void suggest(LiveRoom.AssistantReply c) {
    keep(suggestions, new RoomReply.Suggestion(nextId++, c.text(), c.intent(), c.productId(), c.askers(),
        c.questionSeqs(), System.currentTimeMillis()), KEPT_SUGGESTIONS);
  }

  /** Keeps a question handed to the host. */
  void handedOver(LiveRoom.AssistantHandover h) {
    keep(questions, h, KEPT_QUESTIONS);
  }

  /** The suggestion {@code id}, taken off the list (null: none waits). */
  RoomReply.Suggestion take(long id) {
    RoomReply.Suggestion chosen = suggestions.stream().filter(x -> x.id() == id).findFirst().orElse(null);
    if (chosen != null) {
      suggestions.remove(chosen);
    }
    return chosen;
  }

  /** The assistant's latest figures. */
  void figures(io.shardcast.room.assistant.AssistantLoad.Snapshot latest) {
    figures = latest;
  }

  /** The host's view: the mode, the suggestions waiting, the questions handed over, the figures. */
  String view(String mode) {
    return AssistantView.render(mode, suggestions, questions, figures);
  }

  private static <T> void keep(ArrayDeque<T> queue, T item, int max) {
    queue.addLast(item);
    while (queue.size() > max) {
      queue.removeFirst();
    }
  }
}
