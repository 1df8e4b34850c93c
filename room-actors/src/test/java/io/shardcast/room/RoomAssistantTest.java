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
    newRoom(settings);
  }

  private void newRoom(RoomSettings settings) {
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
    assertEquals(RoomReply.Reason.BAD_REQUEST, ((RoomReply.Rejected) host(new TryAssistant("有大码吗", "magic")))
        .reason());
    assertTrue(((RoomReply.Rejected) host(new TryAssistant("有大码吗", "embeddings"))).message().contains("off"),
        "embeddings asked for on a node that has them off");
    host(new SetAssistantMode("on"));
    room.restart(); // the mode is in the journal: the assistant comes back with the room
    ask("有大码吗？", "u2");
    awaitAnswers(1);
  }

  /**
   * The operator's rewording endpoint: an honest one is used; one that lies (another price, another
   * size), is down, or answers too late leaves the template answer, in about the same time.
   */
  @Test
  void aRewordingIsSaidOnlyWithTheSameFactsAndTheTemplateWhenTheEndpointIsDownOrLies() throws Exception {
    java.util.concurrent.atomic.AtomicReference<java.util.function.UnaryOperator<String>> endpoint =
        new java.util.concurrent.atomic.AtomicReference<>();
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    server.createContext("/v1/chat/completions", ex -> {
      String asked = json.readTree(ex.getRequestBody()).at("/messages/1/content").asText();
      String said = endpoint.get().apply(asked);
      byte[] body = json.writeValueAsBytes(Map.of("choices", List.of(Map.of("message",
          Map.of("role", "assistant", "content", said)))));
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      newRoom(RoomSettings.from(ConfigFactory.parseMap(Map.of(
          "shardcast.room.assistant.rewording.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
          "shardcast.room.assistant.rewording.timeout", "500ms")).withFallback(testKit.system().settings().config())));
      host(new SetAssistantMode("on"));
      host(new AddProduct("jacket", "Denim jacket", 45_900, 4, ProductFacts.NONE));
      // Each question of another intent or product: the assistant answers each once in 30 s.
      String sizes = template("what sizes do you have?");
      assertEquals("Silk dress in stock now, sizes: S, XL.", sizes);
      endpoint.set(t -> "Good news! " + t.replace("in stock now", "is still here"));
      ask("what sizes do you have?", "u1");
      awaitAnswers(1);
      assertEquals("Good news! Silk dress is still here, sizes: S, XL.", answers().get(0).text(), "honest: reworded");

      endpoint.set(t -> t.replace("299", "199"));
      ask("how much is the silk dress?", "u2");
      awaitAnswers(2);
      assertEquals(template("how much is the silk dress?"), answers().get(1).text(), "another price: the template");
      assertTrue(answers().get(1).text().contains("299"));

      assertEquals("Denim jacket is in stock: 4 left.", template("is the denim jacket in stock?"));
      endpoint.set(t -> t.replace("4 left", "40 left"));
      ask("is the denim jacket in stock?", "u3");
      awaitAnswers(3);
      assertEquals("Denim jacket is in stock: 4 left.", answers().get(2).text(), "more stock than there is: the template");

      endpoint.set(t -> t + " Only 99 today!");
      ask("what is the silk dress made of?", "u4");
      awaitAnswers(4);
      assertEquals(template("what is the silk dress made of?"), answers().get(3).text(), "a price it never named");

      endpoint.set(t -> {
        try {
          Thread.sleep(3000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return t;
      });
      long asked = System.nanoTime();
      ask("how much is the denim jacket?", "u5");
      awaitAnswers(5);
      assertEquals(template("how much is the denim jacket?"), answers().get(4).text(), "too slow: the template");
      assertTrue(System.nanoTime() - asked < Duration.ofMillis(2500).toNanos(), "not held for the slow endpoint");
    } finally {
      server.stop(0);
    }
    // Down: nothing listens there any more.
    ask("how many silk dresses are left?", "u6");
    awaitAnswers(6);
    assertEquals(template("how many silk dresses are left?"), answers().get(5).text());
  }

  /** The template answer to {@code text}: the host's dry run, never reworded. */
  private String template(String text) throws Exception {
    String view = ((RoomReply.AssistantView) host(new TryAssistant(text, "room"))).json();
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(view).path("answer").asText();
  }

  /** Longer than the assistant's gathering of copies, for checks that nothing more comes. */
  private static final class ReplyPolicyWait {
    static final long MILLIS = io.shardcast.room.assistant.ReplyPolicy.GATHER_MILLIS + 400;
  }
}
