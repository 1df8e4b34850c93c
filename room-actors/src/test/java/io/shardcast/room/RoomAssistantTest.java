package io.shardcast.room;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import io.shardcast.room.reply.RoomReply;
import io.shardcast.room.state.HostOp;
import io.shardcast.room.state.HostOp.*;
import io.shardcast.room.state.ProductFacts;
import io.shardcast.room.state.RoomEvent;
import io.shardcast.room.state.RoomEvent.AssistantAnswered;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The assistant in a room, as its viewers and host see it: on, it answers in the chat from the
 * room's live facts, once for many copies of a question; suggesting, it waits for the host's
 * approval; off, it says nothing. Its timers are real (it gathers copies for 400 ms).
 */
class RoomAssistantTest {

  private static final String TOKEN = "host-secret";
  private static ActorTestKit testKit;
  private static RoomSettings settings;
  private EventSourcedBehaviorTestKit<LiveRoom.Command, RoomEvent, LiveRoom.State> room;
  private String roomId;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
        .withFallback(ConfigFactory.load()));
    settings = RoomSettings.from(testKit.system().settings().config());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newRoom() {
    roomId = "assist-" + UUID.randomUUID();
    room = EventSourcedBehaviorTestKit.create(testKit.system(), LiveRoom.create(roomId, settings),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    room.<RoomReply.ToCreate>runCommand(r -> new LiveRoom.CreateRoom("Dresses", HostToken.hash(TOKEN), r));
    host(new AddProduct("dress", "Silk dress", 29_900, 0, new ProductFacts(Map.of("material", "silk"), List.of(
        new ProductFacts.Variant("s", "S", null, 2), new ProductFacts.Variant("m", "M", null, 0),
        new ProductFacts.Variant("xl", "XL", null, 3)), List.of())));
    host(new PinProduct("dress"));
  }

  private RoomReply.ToHost host(HostOp op) {
    return room.<RoomReply.ToHost>runCommand(r -> new LiveRoom.Host(TOKEN, op, r)).reply();
  }

  private List<AssistantAnswered> answers() {
    List<AssistantAnswered> out = new ArrayList<>();
    for (Object e : room.persistenceTestKit().persistedInStorage("LiveRoom|" + roomId)) {
      if (e instanceof AssistantAnswered a) {
        out.add(a);
      }
    }
    return out;
  }

  /** Sends {@code text} from each user, then waits (past the gathering) for the assistant to act. */
  private void ask(String text, String... users) throws InterruptedException {
    for (String u : users) {
      room.runCommand(new LiveRoom.PostComment(u, text));
    }
    room.<RoomReply.ToSnapshot>runCommand(LiveRoom.GetSnapshot::new); // the comments are in
  }

  private void awaitAnswers(int n) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (answers().size() < n && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertEquals(n, answers().size(), "answers: " + answers());
  }

  @Test
  void onItAnswersTenCopiesOfASizeQuestionOnceWithTheSizesInStock() throws Exception {
    host(new SetAssistantMode("on"));
    ask("有大码吗？", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "u10");
    ask("哈哈哈主播好美", "u11");
    awaitAnswers(1);
    Thread.sleep(ReplyPolicyWait.MILLIS);
    assertEquals(1, answers().size(), "one answer for ten copies, none for chit-chat");
    AssistantAnswered a = answers().get(0);
    assertTrue(a.text().contains("S") && a.text().contains("XL") && !a.text().contains("M"),
        "exactly the sizes in stock: " + a.text());
    assertEquals(10, a.askers().size(), "every asker named");
    assertTrue(a.seq() > 0, "in the room's sequence, shown to every viewer");
    // XL sells out: the next answer no longer offers it.
    host(new AddProduct("dress", "Silk dress", 29_900, 0, new ProductFacts(Map.of(), List.of(
        new ProductFacts.Variant("s", "S", null, 2), new ProductFacts.Variant("xl", "XL", null, 0)), List.of())));
    ask("XL还有吗", "u12");
    awaitAnswers(2);
    assertTrue(answers().get(1).text().contains("卖完"), answers().get(1).text());
  }

  @Test
  void suggestingItWaitsForTheHostAndHandsOverWhatTheFactsCannotAnswer() throws Exception {
    host(new SetAssistantMode("suggest"));
    ask("is it silk?", "ann");
    ask("2号链接多少钱", "bob");
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    String view = "";
    while (System.nanoTime() < until && !(view.contains("\"suggestions\":[{") && view.contains("\"questions\":[{"))) {
      view = ((RoomReply.AssistantView) host(new ReadAssistant())).json();
      Thread.sleep(50);
    }
    assertTrue(view.contains("silk") && view.contains("2号链接多少钱"), view);
    assertEquals(0, answers().size(), "nothing posted before the host approves");
    assertInstanceOf(RoomReply.HostDone.class, host(new ApproveSuggestion(
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(view).at("/suggestions/0/id").asLong())));
    assertEquals(1, answers().size());
    assertTrue(answers().get(0).approvedByHost());
    assertEquals(RoomReply.Reason.UNKNOWN_SUGGESTION, ((RoomReply.Rejected) host(new ApproveSuggestion(999))).reason());
  }

  @Test
  void offItSaysNothingAndABadModeIsRefused() throws Exception {
    ask("有大码吗？", "u1");
    Thread.sleep(ReplyPolicyWait.MILLIS);
    assertEquals(0, answers().size());
    assertEquals(RoomReply.Reason.BAD_REQUEST, ((RoomReply.Rejected) host(new SetAssistantMode("loud"))).reason());
    host(new SetAssistantMode("on"));
    room.restart(); // the mode is in the journal: the assistant comes back with the room
    ask("有大码吗？", "u2");
    awaitAnswers(1);
  }

  /** Longer than the assistant's gathering of copies, for checks that nothing more comes. */
  private static final class ReplyPolicyWait {
    static final long MILLIS = io.shardcast.room.assistant.ReplyPolicy.GATHER_MILLIS + 400;
  }
}
