package io.shardcast.testkit.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A small JSON-over-HTTP client of the gateway, for the demo, benchmarks and tests. */
public final class RestClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A status and its parsed JSON body. */
  public record Response(int status, JsonNode body) {}

  private final HttpClient http;
  private final Duration timeout;

  public RestClient() {
    this(Duration.ofSeconds(15));
  }

  /** A client whose requests give up after {@code timeout} (the chaos harness: a stalled node must not stall it). */
  public RestClient(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5).compareTo(timeout) < 0
        ? Duration.ofSeconds(5) : timeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  public Response get(String url) throws IOException, InterruptedException {
    return get(url, null);
  }

  /** A GET with {@code Authorization: Bearer <token>} (an ops or host token; none when null). */
  public Response get(String url, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return parse(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
  }

  /** A DELETE with {@code Authorization: Bearer <token>} (none when null). */
  public Response delete(String url, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).DELETE();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return parse(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
  }

  public Response post(String url, String hostToken, String json) throws IOException, InterruptedException {
    return parse(http.send(request(url, hostToken, json), HttpResponse.BodyHandlers.ofString()));
  }

  /** A PUT of {@code json}, with the host token when given. */
  public Response put(String url, String hostToken, String json) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(java.net.URI.create(url)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json));
    if (hostToken != null) {
      b.header("Authorization", "Bearer " + hostToken);
    }
    return parse(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
  }

  /** Posts {@code body}, written by Jackson. */
  public Response post(String url, String hostToken, JsonNode body) throws IOException, InterruptedException {
    return post(url, hostToken, JSON.writeValueAsString(body));
  }

  public CompletableFuture<Response> postAsync(String url, String json) {
    return http.sendAsync(request(url, null, json), HttpResponse.BodyHandlers.ofString()).thenApply(RestClient::parse);
  }

  /** Posts {@code body}, written by Jackson; a body it cannot write is a failed future. */
  public CompletableFuture<Response> postAsync(String url, JsonNode body) {
    try {
      return postAsync(url, JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private HttpRequest request(String url, String hostToken, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    if (hostToken != null) {
      b.header("Authorization", "Bearer " + hostToken);
    }
    return b.build();
  }

  private static Response parse(HttpResponse<String> r) {
    try {
      return new Response(r.statusCode(), JSON.readTree(r.body()));
    } catch (IOException e) {
      return new Response(r.statusCode(), JSON.createObjectNode().put("raw", r.body()));
    }
  }
}
