package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Small renderings the tables share: hosts, times, durations. */
final class OpsViewsText {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private OpsViewsText() {}

  /** {@code host:port} of a node address, or "-" for none. */
  static String host(String address) {
    if (address == null || address.isEmpty()) {
      return "-";
    }
    int at = address.indexOf('@');
    return at < 0 ? address : address.substring(at + 1);
  }

  /** An epoch-millisecond time as the local clock reads it. */
  static String time(long epochMillis) {
    return TIME.format(Instant.ofEpochMilli(epochMillis));
  }

  /** How far {@code epochMillis} is from now: {@code in 4m12s}, {@code 30s ago}. */
  static String relative(long epochMillis, long nowMillis) {
    long s = Math.abs(epochMillis - nowMillis) / 1000;
    String d = s >= 3600 ? s / 3600 + "h" + (s % 3600) / 60 + "m" : s >= 60 ? s / 60 + "m" + s % 60 + "s" : s + "s";
    return epochMillis >= nowMillis ? "in " + d : d + " ago";
  }

  /** A field of {@code n}, or "-" when absent. */
  static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isMissingNode() || v.isNull() ? "-" : v.asText();
  }
}
