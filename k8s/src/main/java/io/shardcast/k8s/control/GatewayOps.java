package io.shardcast.k8s.control;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/** {@link ClusterOps} over HTTP, as the ops CLI and dashboard talk to the cluster. */
public final class GatewayOps implements ClusterOps {

  /** A sale this close to opening (or open and not sold out) holds scale-in and rolls. */
  public static final Duration SALE_GUARD = Duration.ofMinutes(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .version(HttpClient.Version.HTTP_1_1).build();
  private final Duration timeout;
  private final LongSupplier clockMillis;

  public GatewayOps(Duration timeout, LongSupplier clockMillis) {
    this.timeout = timeout;
    this.clockMillis = clockMillis;
  }

  @Override
  public ClusterReport read(String gateway, String opsToken) throws IOException {
    JsonObject autoscaler = get(gateway + "/api/autoscaler", opsToken);
    JsonObject cluster = get(gateway + "/api/cluster", opsToken);
    Map<String, ClusterReport.Node> byHost = new HashMap<>();
    for (JsonElement e : autoscaler.getAsJsonArray("nodes")) {
      JsonObject n = e.getAsJsonObject();
      String address = n.get("node").getAsString();
      byHost.put(ClusterReport.host(address), new ClusterReport.Node(address, n.get("role").getAsString(),
          n.has("viewers") ? n.get("viewers").getAsInt() : 0));
    }
    long now = clockMillis.getAsLong();
    boolean saleAhead = false;
    if (autoscaler.has("sales")) {
      for (JsonElement e : autoscaler.getAsJsonArray("sales")) {
        JsonObject s = e.getAsJsonObject();
        boolean closed = s.has("closed") && s.get("closed").getAsBoolean();
        saleAhead |= !closed && s.get("revealAt").getAsLong() - now < SALE_GUARD.toMillis();
      }
    }
    JsonElement oldest = cluster.get("oldest");
    return new ClusterReport(byHost, oldest == null || oldest.isJsonNull() ? null
        : ClusterReport.host(oldest.getAsString()), saleAhead);
  }

  @Override
  public void drain(String gateway, String node, String opsToken) throws IOException {
    order(gateway, "drain", "{\"node\":\"" + node + "\",\"then\":\"leave\"}", opsToken);
  }

  @Override
  public void retire(String gateway, String node, String opsToken) throws IOException {
    order(gateway, "retire", "{\"node\":\"" + node + "\"}", opsToken);
  }

  private void order(String gateway, String action, String body, String opsToken) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/api/autoscaler/nodes/" + action))
        .timeout(timeout).header("Content-Type", "application/json").header("Authorization", "Bearer " + opsToken)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response = send(request);
    // 202: sent. 409 UNDER_WAY: sent before. Anything else is worth a retry and a log line.
    if (response.statusCode() != 202 && !(response.statusCode() == 409 && response.body().contains("UNDER_WAY"))) {
      throw new IOException(action + " " + body + " at " + gateway + ": " + response.statusCode() + " "
          + response.body());
    }
  }

  private JsonObject get(String url, String opsToken) throws IOException {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
        .header("Authorization", "Bearer " + opsToken).GET().build());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + url + ": " + response.statusCode() + " " + response.body());
    }
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
