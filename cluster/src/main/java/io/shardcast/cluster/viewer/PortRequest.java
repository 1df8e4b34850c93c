package io.shardcast.cluster.viewer;

import io.shardcast.room.Ids;
import io.shardcast.wire.HttpRequestHead;
import io.shardcast.wire.WebSocket;

/**
 * What a request head on the viewer port asks for, checked before anything is read further or
 * looked up: to {@link Watch} a room (a WebSocket upgrade), to place an {@link Order}, or nothing
 * this port serves ({@link Refused}, with the HTTP status and error code the client gets).
 */
sealed interface PortRequest {

  /** The paths this port serves: a room's viewer socket and its orders. */
  String ROOM_PATH_PREFIX = "/ws/rooms/";
  String ORDERS_PATH_PREFIX = "/api/rooms/";
  String ORDERS_PATH_SUFFIX = "/orders";

  /**
   * A viewer's upgrade: the room, the user it names (null: its token's), its token (the
   * {@code token} query parameter, as browsers cannot set headers on a WebSocket, else an
   * {@code Authorization: Bearer} header; null without), the seq it resumes after (-1: new) and
   * its key. Who it is gets checked next, against the node's access settings.
   */
  record Watch(String roomId, String userId, String token, long since, String wsKey) implements PortRequest {
    @Override
    public String toString() {
      return "Watch[" + roomId + ", " + userId + ", since " + since + "]"; // never the token
    }
  }

  /**
   * An order's head: its room (checked with the body, so a bad id still keeps the connection),
   * the body's length, whether the client closes after the answer, and the buyer's token (an
   * {@code Authorization: Bearer} header; null without).
   */
  record Order(String roomId, int length, boolean closeAfter, String token) implements PortRequest {
    @Override
    public String toString() {
      return "Order[" + roomId + ", " + length + " bytes]"; // never the token
    }
  }

  /** The answer to a request this port does not take; the connection closes after it. */
  record Refused(int status, String code, String message, String extraHeaders) implements PortRequest {}

  /** Checks {@code req}; an order body may be at most {@code maxBody} bytes. */
  static PortRequest of(HttpRequestHead req, int maxBody) {
    if (!req.isHttp()) {
      return new Refused(400, "BAD_REQUEST", "not an HTTP/1.1 request", "");
    }
    String orderRoom = req.segment(ORDERS_PATH_PREFIX, ORDERS_PATH_SUFFIX);
    if (orderRoom != null) {
      return order(req, orderRoom, maxBody);
    }
    String room = req.segment(ROOM_PATH_PREFIX, "");
    if (room == null) {
      return new Refused(404, "NOT_FOUND",
          "this port serves /ws/rooms/{roomId} (?user={userId} or ?token={viewer token}) and POST /api/rooms/{roomId}/orders", "");
    }
    return watch(req, room);
  }

  private static PortRequest order(HttpRequestHead req, String roomId, int maxBody) {
    if (!req.method().equals("POST")) {
      return new Refused(405, "METHOD_NOT_ALLOWED", "orders are POSTed", "Allow: POST\r\n");
    }
    String length = req.header("content-length");
    long declared;
    try {
      declared = length == null || req.header("transfer-encoding") != null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      declared = -1;
    }
    if (declared < 0) {
      return new Refused(411, "LENGTH_REQUIRED", "an order needs a Content-Length body", "");
    }
    if (declared > maxBody) {
      return new Refused(413, "BODY_TOO_LARGE", "request bodies are at most " + maxBody + " bytes", "");
    }
    return new Order(roomId, (int) declared, req.wantsClose(), bearer(req));
  }

  /** The token of an {@code Authorization: Bearer} header, or null. */
  private static String bearer(HttpRequestHead req) {
    String auth = req.header("authorization");
    if (auth == null || auth.length() <= 7 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = auth.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  private static PortRequest watch(HttpRequestHead req, String room) {
    if (!req.method().equals("GET")) {
      return new Refused(405, "METHOD_NOT_ALLOWED", "a WebSocket upgrade is a GET", "Allow: GET\r\n");
    }
    if (!WebSocket.isUpgrade(req)) {
      return new Refused(400, "NOT_WEBSOCKET", "expected a WebSocket upgrade request", "");
    }
    if (!"13".equals(req.header("sec-websocket-version"))) {
      return new Refused(426, "BAD_WEBSOCKET_VERSION", "WebSocket version 13 is required",
          "Sec-WebSocket-Version: 13\r\n");
    }
    if (!Ids.valid(room)) {
      return new Refused(400, "BAD_ROOM_ID", "room ids are 1..64 of [A-Za-z0-9_-]", "");
    }
    String user = req.query().get("user");
    if (user != null && !Ids.valid(user)) {
      return new Refused(400, "BAD_USER", "user must be 1..64 of [A-Za-z0-9_-]", "");
    }
    String token = req.query().get("token");
    if (token == null || token.isEmpty()) {
      token = bearer(req);
    }
    long since = -1;
    String sinceText = req.query().get("since");
    if (sinceText != null) {
      try {
        since = Long.parseLong(sinceText);
      } catch (NumberFormatException e) {
        return new Refused(400, "BAD_SINCE", "since must be a sequence number", "");
      }
      if (since < 0) {
        return new Refused(400, "BAD_SINCE", "since must be >= 0", "");
      }
    }
    return new Watch(room, user, token, since, req.header("sec-websocket-key"));
  }
}
