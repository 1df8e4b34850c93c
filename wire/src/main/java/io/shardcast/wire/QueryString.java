package io.shardcast.wire;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The parameters of a query string ({@code a=1&b=2}), percent-decoded; the first of a repeated name wins. */
public final class QueryString {

  private QueryString() {}

  public static Map<String, String> parse(String query) {
    Map<String, String> params = new HashMap<>();
    if (query == null || query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.putIfAbsent(decode(key), decode(value));
    }
    return params;
  }

  /**
   * Percent-decodes {@code s}; a malformed escape is kept as sent, so the validation of what it
   * names (an id, a token) refuses it rather than this parser.
   */
  public static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
