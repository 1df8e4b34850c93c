package io.shardcast.cluster.viewer;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The head of an HTTP/1.1 request to the viewer listener (a WebSocket upgrade or an order):
 * method, path, version, query and headers. Parsing never throws: a request that is not HTTP has a null {@link #method}.
 */
record RequestHead(String method, String path, String version, Map<String, String> query,
    Map<String, String> headers) {

  static final String ROOM_PATH_PREFIX = "/ws/rooms/";
  static final String ORDERS_PATH_PREFIX = "/api/rooms/";
  static final String ORDERS_PATH_SUFFIX = "/orders";

  /** Parses the bytes up to (not including) the blank line that ends the head. */
  static RequestHead parse(byte[] head, int length) {
    String text = new String(head, 0, length, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
      return new RequestHead(null, null, null, Map.of(), Map.of());
    }
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim(), (a, b) -> a + "," + b);
      }
    }
    String target = requestLine[1];
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, String> query = new HashMap<>();
    if (q >= 0) {
      for (String pair : target.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        query.putIfAbsent(decode(key), decode(value));
      }
    }
    return new RequestHead(requestLine[0], path, requestLine[2], query, headers);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // A malformed escape: keep it as sent; the id validation then refuses it.
      return s;
    }
  }

  String header(String name) {
    return headers.get(name);
  }

  /** True when a header's comma-separated tokens include {@code token}, ignoring case. */
  boolean headerHasToken(String name, String token) {
    String v = headers.get(name);
    if (v == null) {
      return false;
    }
    for (String t : v.split(",")) {
      if (t.trim().equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  /** The room id of a {@code /api/rooms/{id}/orders} path, or null for any other path. */
  String orderRoomId() {
    if (path == null || !path.startsWith(ORDERS_PATH_PREFIX) || !path.endsWith(ORDERS_PATH_SUFFIX)) {
      return null;
    }
    String id = path.substring(ORDERS_PATH_PREFIX.length(), path.length() - ORDERS_PATH_SUFFIX.length());
    return id.isEmpty() || id.indexOf('/') >= 0 ? null : decode(id);
  }

  /** The room id of a {@code /ws/rooms/{id}} path, or null for any other path. */
  String roomId() {
    if (path == null || !path.startsWith(ROOM_PATH_PREFIX)) {
      return null;
    }
    String id = path.substring(ROOM_PATH_PREFIX.length());
    return id.isEmpty() || id.indexOf('/') >= 0 ? null : decode(id);
  }
}
