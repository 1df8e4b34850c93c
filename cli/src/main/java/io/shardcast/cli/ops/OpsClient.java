package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/**
 * The ops API over HTTP: each request to the first server that answers (the next one when a server
 * cannot be reached), JSON in and out. A refusal becomes an {@link OpsFailure} with the cluster's
 * error code and message; no server answering becomes one with {@link ExitCodes#UNREACHABLE}.
 */
public final class OpsClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> servers;
  private final String token;
  private final Duration timeout;
  private final HttpClient http;

  public OpsClient(List<String> servers, String token, Duration timeout) {
    if (servers.isEmpty()) {
      throw new OpsFailure(ExitCodes.USAGE, "no server: give --server http://host:8080 or --kube LIVECLUSTER, set SHARDCAST_SERVER, or use a context (shardcast ops config set-context --help)");
    }
    this.servers = List.copyOf(servers);
    this.token = token;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  /** The ops token requests carry, or null. */
  String token() {
    return token;
  }

  /** Whether a token was given (commands that need one say so before asking). */
  boolean hasToken() {
    return token != null && !token.isEmpty();
  }

  public JsonNode get(String path) {
    return send(path, null);
  }

  public JsonNode post(String path, JsonNode body) {
    return send(path, body, "POST");
  }

  public JsonNode delete(String path) {
    return send(path, null, "DELETE");
  }

  private JsonNode send(String path, JsonNode body) {
    return send(path, body, body == null ? "GET" : "POST");
  }

  private JsonNode send(String path, JsonNode body, String method) {
    List<String> tried = new java.util.ArrayList<>();
    for (String server : servers) {
      String url = server.replaceAll("/+$", "") + path;
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
          .header("Accept", "application/json");
      if (token != null && !token.isEmpty()) {
        b.header("Authorization", "Bearer " + token);
      }
      if (body != null) {
        b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
      } else if (!method.equals("GET")) {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> r;
      try {
        r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException | HttpConnectTimeoutException e) {
        tried.add(server + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        continue;
      } catch (HttpTimeoutException e) {
        throw new OpsFailure(ExitCodes.FAILED, url + " did not answer within " + timeout.toSeconds()
            + " s; try again, or raise --request-timeout");
      } catch (IOException e) {
        tried.add(server + " (" + e + ")");
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OpsFailure(ExitCodes.FAILED, "interrupted");
      }
      JsonNode answer;
      try {
        answer = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
      } catch (IOException e) {
        throw new OpsFailure(ExitCodes.FAILED, url + " answered " + r.statusCode() + " with something other than "
            + "JSON: is it a Shardcast gateway?");
      }
      if (r.statusCode() >= 400) {
        throw new OpsFailure(ExitCodes.FAILED, refusal(r.statusCode(), answer));
      }
      return answer;
    }
    throw new OpsFailure(ExitCodes.UNREACHABLE, "no server answered: " + String.join(", ", tried)
        + ". Is the cluster running, and is --server (or SHARDCAST_SERVER) its gateway?");
  }

  private static String refusal(int status, JsonNode answer) {
    String code = answer.path("code").asText("");
    String message = answer.path("message").asText(answer.toString());
    String hint = switch (status) {
      case 401 -> " (give an ops token with --token or SHARDCAST_OPS_TOKEN)";
      case 403 -> code.equals("OPS_DISABLED") ? " (the cluster has no ops token: start its nodes with one)"
          : " (this token may not do that)";
      default -> "";
    };
    return status + (code.isEmpty() ? "" : " " + code) + ": " + message + hint;
  }
}
