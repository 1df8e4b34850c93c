package io.shardcast.room.assistant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks the operator's OpenAI-compatible endpoint to reword one template answer
 * ({@code POST <url>/chat/completions}). What comes back is only a candidate: {@link RewordCheck}
 * decides whether it may be said. The future fails on any error, refusal or timeout.
 */
public final class Rewording {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** One client for the node's rooms (a few calls a minute each, at most). */
  private static final class Client {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(2)).build();
  }

  private static final String INSTRUCTIONS = "You reword the answers of a live-shopping room's assistant so that"
      + " they sound friendly. Reply with the reworded answer only, in the answer's language, at most two short"
      + " sentences. Keep every number, size, colour, price and product name exactly as written. Add no fact,"
      + " no promise, no link and no emoji; leave nothing out.";

  private final RewordingSettings settings;

  public Rewording(RewordingSettings settings) {
    this.settings = settings;
  }

  /** The endpoint's wording of {@code answer}, unchecked. */
  public CompletableFuture<String> reword(String answer) {
    ObjectNode body = JSON.createObjectNode();
    if (!settings.model().isEmpty()) {
      body.put("model", settings.model());
    }
    body.put("temperature", 0.3);
    body.put("max_tokens", 160);
    var messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", INSTRUCTIONS);
    messages.addObject().put("role", "user").put("content", answer);
    HttpRequest.Builder req = HttpRequest.newBuilder(settings.completions())
        .timeout(settings.timeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    if (!settings.apiKey().isEmpty()) {
      req.header("Authorization", "Bearer " + settings.apiKey());
    }
    return Client.HTTP.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .thenApply(Rewording::text)
        .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String text(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode());
    }
    try {
      JsonNode content = JSON.readTree(response.body()).at("/choices/0/message/content");
      if (!content.isTextual()) {
        throw new IllegalStateException("no choices[0].message.content in the reply");
      }
      return content.asText().strip();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("the reply is not JSON: " + e.getOriginalMessage());
    }
  }
}
