package io.shardcast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RestClient;
import io.shardcast.testkit.load.RoomScript;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code shardcast bench assistant}: the room's assistant against a labelled set of viewer
 * comments. The catalog is loaded into a fresh room of a real node through the public API; each
 * comment is put to the assistant as a viewer's ({@code POST .../assistant/try}: what it would say,
 * nothing posted) and judged against its label. Reports, per set (the tuning set and the held-out
 * one, never tuned on), language and intent: fact accuracy, the false-answer rate (the safety
 * number: an answer where there should be none, one naming a fact it must not, or about another
 * product), the refusal rate on answerable questions, and latency.
 */
@Command(name = "assistant", mixinStandardHelpOptions = true,
    description = "The room's assistant against a labelled set of comments: accuracy, false answers, refusals, latency.",
    footer = {"", "Without --catalog/--questions the built-in set is used (its held-out part is reported apart).",
        "Each line of --questions: {\"text\",\"expect\":{\"intent\",\"productId\",\"mustContain\",\"mustNotContain\"}};",
        "expect.intent 'none': stay silent or hand over; 'faq': answered from the host's FAQ."})
public final class AssistantBench implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUILT_IN = "/io/shardcast/bench/assistant/";

  @ParentCommand
  BenchCommand bench;

  @Option(names = "--catalog", description = "the room's catalog (JSON); default: the built-in one") Path catalog;
  @Option(names = "--questions", description = "labelled comments (JSON lines); default: the built-in set") Path questions;
  @Option(names = "--heldout", description = "a second set reported apart; default: the built-in held-out part "
      + "(only with the built-in questions)") Path heldout;
  @Option(names = "--out", description = "one JSON line per question: text, answered, answer, intent, productId, millis")
  Path out;
  @Option(names = "--ablation", description = "also run every set with the rules alone (no FAQ or attribute retrieval),"
      + " and with the embeddings or without them (the node has them on)")
  boolean ablation;
  @Option(names = "--embeddings", description = "the node has the assistant's embeddings on, and the run uses them")
  boolean embeddings;

  /** One judged question. */
  record Judged(String set, String language, String expected, boolean answerable, boolean answered, boolean accurate,
      boolean falseAnswer, long micros) {}

  @Override
  public Integer call() throws Exception {
    JsonNode shop = catalog == null ? JSON.readTree(resource("catalog.json")) : JSON.readTree(Files.readString(catalog));
    Map<String, List<JsonNode>> sets = new java.util.LinkedHashMap<>();
    sets.put("tuning", lines(questions == null ? resource("questions.jsonl") : Files.readString(questions)));
    if (heldout != null) {
      sets.put("held-out", lines(Files.readString(heldout)));
    } else if (questions == null) {
      sets.put("held-out", lines(resource("questions-heldout.jsonl")));
      // each written before anything was measured on it; 1 and 2 have been read since, 3 is blind
      sets.put("held-out 2", lines(resource("questions-heldout-2.jsonl")));
      sets.put("held-out 3", lines(resource("questions-heldout-3.jsonl")));
    }
    Path dir = Files.createTempDirectory("shardcast-bench-assistant");
    List<Judged> judged = new ArrayList<>();
    List<String> jvm = new ArrayList<>(List.of("-Xms512m", "-Xmx512m", LocalCluster.FIXED_SIZE));
    if (ablation || embeddings) {
      jvm.add("-Dshardcast.room.assistant.embeddings=on");
    }
    String main = embeddings ? "embeddings" : "retrieval";
    try (LocalCluster cluster = LocalCluster.start(bench.nodes(), 1, dir, 0, jvm, List.of());
        PrintWriter answers = out == null ? null : new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
      cluster.awaitReady(Duration.ofSeconds(180));
      RoomScript room = new RoomScript(cluster.node(0).http()).create("assistant bench");
      load(room, cluster.node(0).http(), shop);
      RestClient rest = room.rest();
      String tryUrl = cluster.node(0).http() + "/api/rooms/" + room.roomId() + "/assistant/try";
      for (int warm = 0; warm < 50; warm++) {
        rest.post(tryUrl, room.hostToken(), "{\"text\":\"多少钱\"}");
      }
      for (String use : ablation ? List.of("rules", "retrieval", "embeddings") : List.of(main)) {
        for (Map.Entry<String, List<JsonNode>> set : sets.entrySet()) {
          String label = use.equals(main) ? "" : switch (use) {
            case "rules" -> "rules alone, ";
            case "retrieval" -> "without embeddings, ";
            default -> "with embeddings, ";
          };
          ask(use, label, set.getKey(), set.getValue(), rest, tryUrl, room.hostToken(), judged,
              use.equals(main) ? answers : null);
        }
      }
    }
    report(judged);
    return 0;
  }

  /**
   * Puts each line of a set to the assistant ({@code use}: "rules" alone, with "retrieval", or with
   * "embeddings" too), judging each under {@code label} + the set's name.
   */
  private static void ask(String use, String label, String set, List<JsonNode> lines, RestClient rest, String tryUrl, String token,
      List<Judged> judged, PrintWriter answers) throws IOException, InterruptedException {
    for (JsonNode line : lines) {
      String text = line.path("text").asText();
      ObjectNode body = JSON.createObjectNode().put("text", text).put("use", use);
      long start = System.nanoTime();
      RestClient.Response r = rest.post(tryUrl, token, body);
      long micros = (System.nanoTime() - start) / 1000;
      if (r.status() != 200) {
        throw new IllegalStateException("assistant/try answered " + r.status() + " " + r.body());
      }
      judged.add(judge(label + set, line, r.body(), micros));
      if (answers != null) {
        boolean answered = r.body().path("kind").asText().equals("answer");
        answers.println(JSON.createObjectNode().put("text", text).put("answered", answered)
            .put("answer", answered ? r.body().path("answer").asText() : null)
            .put("intent", r.body().path("intent").asText()).put("productId", r.body().path("productId").asText(null))
            .put("millis", micros / 1000.0));
      }
    }
  }

  /**
   * Loads the built-in catalog into {@code room}, switches its assistant on, and returns the texts of
   * the built-in questions (for {@code bench fanout --assistant}).
   */
  static List<String> switchOn(RoomScript room, String base) throws IOException, InterruptedException {
    load(room, base, JSON.readTree(resource("catalog.json")));
    mode(room, base, "on");
    List<String> texts = new ArrayList<>();
    for (String set : List.of("questions.jsonl", "questions-heldout.jsonl", "questions-heldout-2.jsonl",
        "questions-heldout-3.jsonl")) {
      lines(resource(set)).forEach(l -> texts.add(l.path("text").asText()));
    }
    return texts;
  }

  /** Switches the room's assistant off and on again: its figures start again from 0. */
  static void restart(RoomScript room, String base) throws IOException, InterruptedException {
    mode(room, base, "off");
    mode(room, base, "on");
  }

  private static void mode(RoomScript room, String base, String mode) throws IOException, InterruptedException {
    RestClient.Response r = room.rest().put(base + "/api/rooms/" + room.roomId() + "/assistant", room.hostToken(),
        "{\"mode\":\"" + mode + "\"}");
    if (r.status() != 200) {
      throw new IllegalStateException("the assistant's mode was not set: " + r.status() + " " + r.body());
    }
  }

  /** Prints what the room's assistant did over a run of {@code seconds}. */
  static void printFigures(RoomScript room, String base, double seconds) throws IOException, InterruptedException {
    RestClient.Response r = room.rest().get(base + "/api/rooms/" + room.roomId() + "/assistant", room.hostToken());
    JsonNode f = r.body().path("figures");
    System.out.printf("assistant: read %d comments (%.0f/s over the run), answered %d (posted at most %d a minute),"
        + " handed over %d; a comment's age when read p50 <= %d ms, p99 <= %d ms, max %d ms%n",
        f.path("read").asLong(), f.path("read").asLong() / seconds, f.path("answered").asLong(),
        io.shardcast.room.assistant.ReplyPolicy.BUDGET, f.path("handedOver").asLong(),
        f.path("ageP50Millis").asLong(), f.path("ageP99Millis").asLong(), f.path("ageMaxMillis").asLong());
    System.out.printf("assistant: %d replies, each given after its first question p50 <= %d ms, p99 <= %d ms,"
        + " max %d ms (copies gathered for %d ms first)%n", f.path("replies").asLong(), f.path("replyP50Millis").asLong(),
        f.path("replyP99Millis").asLong(), f.path("replyMaxMillis").asLong(),
        io.shardcast.room.assistant.ReplyPolicy.GATHER_MILLIS);
  }

  private static void load(RoomScript room, String base, JsonNode shop) throws IOException, InterruptedException {
    for (JsonNode p : shop.path("products")) {
      room.host("products", (ObjectNode) p);
    }
    if (shop.hasNonNull("pinned")) {
      room.host("pin", RoomScript.body().put("productId", shop.path("pinned").asText()));
    }
    for (JsonNode c : shop.path("coupons")) {
      room.host("coupons", (ObjectNode) c);
    }
    for (JsonNode s : shop.path("flashSales")) {
      room.host("flash-sales", (ObjectNode) s);
    }
    if (shop.has("policies")) {
      RestClient.Response r = room.rest().put(base + "/api/rooms/" + room.roomId() + "/policies",
          room.hostToken(), shop.path("policies").toString());
      if (r.status() != 200) {
        throw new IllegalStateException("policies refused: " + r.body());
      }
    }
  }

  static Judged judge(String set, JsonNode line, JsonNode got, long micros) {
    JsonNode expect = line.path("expect");
    String text = line.path("text").asText();
    String expected = expect.path("intent").asText("none");
    boolean answerable = !expected.equals("none");
    boolean answered = got.path("kind").asText().equals("answer");
    String answer = got.path("answer").asText("");
    boolean forbidden = false;
    for (JsonNode no : expect.path("mustNotContain")) {
      forbidden |= answer.contains(no.asText());
    }
    String wantProduct = expect.path("productId").asText(null);
    String gotProduct = got.path("productId").asText(null);
    boolean otherProduct = answered && wantProduct != null && gotProduct != null && !wantProduct.equals(gotProduct);
    boolean complete = true;
    for (JsonNode must : expect.path("mustContain")) {
      complete &= answer.contains(must.asText());
    }
    boolean falseAnswer = answered && (!answerable || forbidden || otherProduct);
    boolean accurate = answerable ? answered && complete && !forbidden && !otherProduct : !answered;
    return new Judged(set, io.shardcast.room.assistant.Language.of(text).name().toLowerCase(java.util.Locale.ROOT),
        expected, answerable, answered, accurate, falseAnswer, micros);
  }

  private static void report(List<Judged> all) {
    for (String set : all.stream().map(Judged::set).distinct().toList()) {
      List<Judged> js = all.stream().filter(j -> j.set().equals(set)).toList();
      System.out.printf("%n%s set: %d questions%n", set, js.size());
      System.out.printf("  %-22s %5s %9s %8s %8s %9s %9s%n", "", "n", "accuracy", "false", "refused", "p50 ms", "p99 ms");
      row("all", js);
      Map<String, List<Judged>> byLang = new TreeMap<>();
      Map<String, List<Judged>> byIntent = new TreeMap<>();
      for (Judged j : js) {
        byLang.computeIfAbsent(j.language(), k -> new ArrayList<>()).add(j);
        byIntent.computeIfAbsent(j.expected(), k -> new ArrayList<>()).add(j);
      }
      byLang.forEach((k, v) -> row("language " + k, v));
      byIntent.forEach((k, v) -> row("intent " + k, v));
    }
  }

  private static void row(String label, List<Judged> js) {
    long n = js.size();
    long accurate = js.stream().filter(Judged::accurate).count();
    long falseAnswers = js.stream().filter(Judged::falseAnswer).count();
    long answerable = js.stream().filter(Judged::answerable).count();
    long refused = js.stream().filter(j -> j.answerable() && !j.answered()).count();
    long[] micros = js.stream().mapToLong(Judged::micros).sorted().toArray();
    System.out.printf("  %-22s %5d %8.1f%% %7.1f%% %7s %9.2f %9.2f%n", label, n, 100.0 * accurate / n,
        100.0 * falseAnswers / n, answerable == 0 ? "-" : String.format("%.1f%%", 100.0 * refused / answerable),
        percentile(micros, 0.50) / 1000.0, percentile(micros, 0.99) / 1000.0);
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static List<JsonNode> lines(String text) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = AssistantBench.class.getResourceAsStream(BUILT_IN + name)) {
      if (in == null) {
        throw new IOException("missing built-in " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
