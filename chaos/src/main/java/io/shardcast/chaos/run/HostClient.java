package io.shardcast.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.chaos.history.History;
import io.shardcast.testkit.load.RestClient;
import java.io.IOException;
import java.util.Random;

/**
 * The room's host over the REST API: creates the room, stocks products, announces flash sales and
 * reads a sale's confirmed orders, each request through a healthy gateway.
 */
final class HostClient {

  /** Attempts of a set-up request before the run gives up on it. */
  private static final int SET_UP_ATTEMPTS = 3;
  private static final long SET_UP_RETRY_MS = 500;

  private final RestClient rest;
  private final Gateways gateways;
  private final Random random;
  private final String roomId;
  private final String hostToken;

  private HostClient(RestClient rest, Gateways gateways, Random random, String roomId, String hostToken) {
    this.rest = rest;
    this.gateways = gateways;
    this.random = random;
    this.roomId = roomId;
    this.hostToken = hostToken;
  }

  /** Creates a room called {@code title} through {@code gatewayHttp}, and its host. */
  static HostClient createRoom(RestClient rest, Gateways gateways, Random random, String gatewayHttp, String title)
      throws IOException, InterruptedException {
    String url = gatewayHttp + "/api/rooms";
    JsonNode created = UnexpectedStatus.require(url,
        rest.post(url, null, History.JSON.createObjectNode().put("title", title)), 201);
    return new HostClient(rest, gateways, random, created.path("roomId").asText(), created.path("hostToken").asText());
  }

  String roomId() {
    return roomId;
  }

  String hostToken() {
    return hostToken;
  }

  /** Puts a product in the room's shop, retried a few times (the run cannot start without it). */
  void addProduct(String productId, String name, long priceCents, long stock) throws Exception {
    ObjectNode product = History.JSON.createObjectNode().put("productId", productId).put("name", name)
        .put("priceCents", priceCents).put("stock", stock);
    Exception last = null;
    for (int attempt = 0; attempt < SET_UP_ATTEMPTS; attempt++) {
      try {
        post("products", product);
        return;
      } catch (Exception e) {
        last = e;
        Thread.sleep(SET_UP_RETRY_MS);
      }
    }
    throw last;
  }

  /** Announces a flash sale once; an {@link UnexpectedStatus} is a refusal, any other exception an unknown outcome. */
  void announceSale(String saleId, String productId, int quantity, int perUserLimit, long revealInMs)
      throws IOException, InterruptedException {
    post("flash-sales", History.JSON.createObjectNode().put("saleId", saleId).put("productId", productId)
        .put("quantity", quantity).put("perUserLimit", perUserLimit).put("revealInMs", revealInMs));
  }

  /** A sale's confirmed orders as a gateway answers ({@code orders}), or its refusal. */
  RestClient.Response orders(String saleId) throws IOException, InterruptedException {
    return rest.get(gateways.any(random).http() + "/api/rooms/" + roomId + "/orders?saleId=" + saleId, hostToken);
  }

  private void post(String op, ObjectNode body) throws IOException, InterruptedException {
    String url = gateways.any(random).http() + "/api/rooms/" + roomId + "/" + op;
    UnexpectedStatus.require(url, rest.post(url, hostToken, body), 200);
  }
}
