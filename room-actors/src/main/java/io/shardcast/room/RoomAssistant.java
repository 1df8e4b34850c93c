package io.shardcast.room;

import io.shardcast.room.assistant.Answer;
import io.shardcast.room.assistant.Answerer;
import io.shardcast.room.assistant.AssistantLoad;
import io.shardcast.room.assistant.CatalogView;
import io.shardcast.room.assistant.ReplyPolicy;
import io.shardcast.room.assistant.RewordCheck;
import io.shardcast.room.assistant.Rewording;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The room's shopping assistant, a child of the room running beside it (its own actor, on the
 * default dispatcher, never on the room's thread), and only while the host has it on or suggesting.
 * The room hands it each comment and, after any change, its live facts; it answers by
 * {@link Answerer}, gathers and paces its replies by {@link ReplyPolicy}, and hands the room each
 * reply (to post, or to suggest to the host) and each clear question it cannot answer (for the host's
 * queue). With the operator's rewording endpoint, a reply waits for its rewording (at most the
 * endpoint's timeout) and is said reworded only when {@link RewordCheck} finds the same facts in it.
 */
final class RoomAssistant {

  /** What the room tells its assistant. */
  sealed interface Command {}

  /** A comment in the room: {@code name} is its writer as the chat shows it. */
  record Asked(long seq, String name, String text, long atMillis) implements Command {}

  /** The room's live facts, sent after they changed and before the next question. */
  record Catalog(CatalogView view) implements Command {}

  private enum Tick implements Command { INSTANCE }

  /** Time to tell the room the assistant's figures (when they changed). */
  private enum Report implements Command { INSTANCE }

  /** The rewording endpoint's answer for a due reply ({@code text} null when it failed). */
  private record Reworded(ReplyPolicy.Reply reply, String text, Throwable failure) implements Command {}

  /** How often the assistant tells the room its figures (only when they changed). */
  static final Duration REPORT_EVERY = Duration.ofSeconds(1);

  private RoomAssistant() {}

  /** {@code rewording}: the operator's rewording endpoint, or null when there is none. */
  static Behavior<Command> create(ActorRef<LiveRoom.Command> room, Rewording rewording,
      io.shardcast.room.assistant.Embedder embedder) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ReplyPolicy policy = new ReplyPolicy();
      AssistantLoad load = new AssistantLoad();
      AssistantLoad.Snapshot[] reported = {AssistantLoad.Snapshot.NONE};
      timers.startTimerWithFixedDelay(Report.INSTANCE, Report.INSTANCE, REPORT_EVERY);
      CatalogView[] facts = {null};
      io.shardcast.room.assistant.FaqIndex[] index = {null};
      Runnable schedule = () -> {
        long due = policy.nextDueMillis();
        if (due >= 0) {
          timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE,
              Duration.ofMillis(Math.max(1, due - System.currentTimeMillis())));
        }
      };
      return Behaviors.receive(Command.class)
          .onMessage(Catalog.class, c -> {
            facts[0] = c.view();
            index[0] = io.shardcast.room.assistant.FaqIndex.of(c.view(), embedder); // once per change
            return Behaviors.same();
          })
          .onMessage(Asked.class, a -> {
            if (facts[0] == null) {
              return Behaviors.same();
            }
            long now = System.currentTimeMillis();
            Answer answer;
            try {
              answer = Answerer.answer(a.text(), facts[0].at(now), index[0]);
            } catch (RuntimeException e) { // one odd comment loses its answer, not the assistant
              org.slf4j.LoggerFactory.getLogger(RoomAssistant.class).warn("the assistant failed on comment {}: {}",
                  a.seq(), e.toString());
              return Behaviors.same();
            }
            load.read(now - a.atMillis(), answer.kind());
            if (answer.kind() == Answer.Kind.HANDOVER) {
              room.tell(new LiveRoom.AssistantHandover(a.seq(), a.name(), a.text(), answer.intent().label(), now));
            } else if (answer.answered() && policy.offer(answer, a.name(), a.seq(), a.atMillis(), now)) {
              schedule.run();
            }
            return Behaviors.same();
          })
          .onMessage(Tick.class, t -> {
            for (ReplyPolicy.Reply r : policy.due(System.currentTimeMillis())) {
              if (rewording == null) {
                say(room, load, r, r.answer().text());
              } else {
                ctx.pipeToSelf(rewording.reword(r.answer().text()), (text, failure) -> new Reworded(r, text, failure));
              }
            }
            schedule.run();
            return Behaviors.same();
          })
          .onMessage(Report.class, r -> {
            AssistantLoad.Snapshot now = load.snapshot();
            if (!now.equals(reported[0])) {
              reported[0] = now;
              room.tell(new LiveRoom.AssistantFigures(now));
            }
            return Behaviors.same();
          })
          .onMessage(Reworded.class, w -> {
            String template = w.reply().answer().text();
            String problem = w.failure() != null ? "the endpoint failed: " + w.failure()
                : RewordCheck.problem(template, w.text(), facts[0] == null ? List.of() : facts[0].productNames());
            if (problem != null) {
              ctx.getLog().info("{}: the template is said, not the rewording ({})", ctx.getSelf().path().parent().name(),
                  problem);
            }
            say(room, load, w.reply(), problem == null ? w.text() : template);
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static void say(ActorRef<LiveRoom.Command> room, AssistantLoad load, ReplyPolicy.Reply r, String text) {
    load.replied(System.currentTimeMillis() - r.firstAskedAtMillis());
    room.tell(new LiveRoom.AssistantReply(text, r.answer().intent().label(), r.answer().productId(), r.askers(),
        r.seqs()));
  }
}
