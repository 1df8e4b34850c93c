package io.shardcast.wire;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The head of an HTTP/1.x request: method, path, version, query and headers (names in lower case,
 * repeated ones joined with commas). Parsing never throws: bytes that are not an HTTP/1.x request
 * line give a head whose {@link #isHttp()} is false.
 */
public record HttpRequestHead(String method, String path, String version, Map<String, String> query,
    Map<String, String> headers) {

  /** The blank line that ends a head. */
  private static final byte[] END = {'\r', '\n', '\r', '\n'};

  /** Where the head in {@code bytes[from, to)} ends (the blank line's first byte), or -1 if not yet. */
  public static int indexOfEnd(byte[] bytes, int from, int to) {
    outer:
    for (int i = Math.max(0, from); i <= to - END.length; i++) {
      for (int j = 0; j < END.length; j++) {
        if (bytes[i + j] != END[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Bytes of the blank line after the head: the body starts at {@code indexOfEnd(...) + END_BYTES}. */
  public static final int END_BYTES = END.length;

  /** Parses the first {@code length} bytes: the head up to, not including, its blank line. */
  public static HttpRequestHead parse(byte[] head, int length) {
    return parse(new String(head, 0, length, StandardCharsets.ISO_8859_1));
  }

  /** Parses a head given as text (ISO-8859-1, as it came), without its blank line. */
  public static HttpRequestHead parse(String text) {
    String[] lines = text.split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
      return new HttpRequestHead(null, null, null, Map.of(), Map.of());
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
    return new HttpRequestHead(requestLine[0], path, requestLine[2],
        QueryString.parse(q < 0 ? "" : target.substring(q + 1)), headers);
  }

  /** The bytes parsed as an HTTP/1.x request line. */
  public boolean isHttp() {
    return method != null;
  }

  public String header(String name) {
    return headers.get(name);
  }

  /** True when a header's comma-separated tokens include {@code token}, ignoring case. */
  public boolean headerHasToken(String name, String token) {
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

  /** The client asks to close after this request ({@code Connection: close}, or HTTP/1.0). */
  public boolean wantsClose() {
    return headerHasToken("connection", "close") || "HTTP/1.0".equals(version);
  }

  /**
   * The one path segment after {@code prefix} and before {@code suffix} (percent-decoded), or null
   * when the path does not have that shape: {@code segment("/ws/rooms/", "")} of {@code /ws/rooms/r1}
   * is {@code r1}.
   */
  public String segment(String prefix, String suffix) {
    if (path == null || !path.startsWith(prefix) || !path.endsWith(suffix)
        || path.length() < prefix.length() + suffix.length()) {
      return null;
    }
    String s = path.substring(prefix.length(), path.length() - suffix.length());
    return s.isEmpty() || s.indexOf('/') >= 0 ? null : QueryString.decode(s);
  }
}
