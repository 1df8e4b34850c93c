package io.shardcast.wire;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 answers as the bytes a listener writes: status line, headers, body. */
public final class HttpAnswer {

  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpAnswer() {}

  /**
   * A status line and headers, ending with the blank line. {@code contentLength} -1 sends none (a
   * stream until close); {@code extraHeaders} are whole lines ({@code "Allow: GET\r\n"}) or empty.
   */
  public static byte[] head(int status, String contentType, long contentLength, String extraHeaders, boolean close) {
    StringBuilder b = new StringBuilder(160).append("HTTP/1.1 ").append(status).append(' ').append(reason(status))
        .append("\r\n");
    if (contentType != null) {
      b.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (contentLength >= 0) {
      b.append("Content-Length: ").append(contentLength).append("\r\n");
    }
    b.append(extraHeaders);
    if (close) {
      b.append("Connection: close\r\n");
    }
    return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A whole answer with a JSON body. */
  public static byte[] json(int status, String json, String extraHeaders, boolean close) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] h = head(status, "application/json", body.length, extraHeaders, close);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /** {@code {"type":"error","code":...,"message":...}}: what every refusal looks like; the connection closes after it. */
  public static byte[] error(int status, String code, String message, String extraHeaders) {
    ObjectNode body = JSON.createObjectNode().put("type", "error").put("code", code).put("message", message);
    return json(status, body.toString(), extraHeaders, true);
  }

  /** The reason phrase for a status this project sends. */
  public static String reason(int status) {
    return switch (status) {
      case 101 -> "Switching Protocols";
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 411 -> "Length Required";
      case 413 -> "Content Too Large";
      case 426 -> "Upgrade Required";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Server Error" : status >= 400 ? "Client Error" : "Status";
    };
  }
}
