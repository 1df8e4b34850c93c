package io.shardcast.testkit.load;

import java.nio.charset.StandardCharsets;

/**
 * Finds the events in a text message's bytes, and the few fields lean viewers read in each,
 * without parsing the JSON. Not Jackson: one process reads 10,000 viewers' messages with this,
 * and a tree per message would make the client, not the nodes, the bottleneck. Correctness
 * clients ({@link Viewer}) parse properly.
 */
final class FrameScanner {

  static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
  static final byte[] TYPE = "\"type\":\"".getBytes(StandardCharsets.US_ASCII);
  /** What a comment's sender puts before its send time in the text (see {@link Viewer#comment}). */
  static final byte[] STAMP = " t=".getBytes(StandardCharsets.US_ASCII);
  static final byte[] AT = "\"at\":".getBytes(StandardCharsets.US_ASCII);
  static final byte[] REVEAL_AT = "\"revealAt\":".getBytes(StandardCharsets.US_ASCII);
  static final byte[] WS_URL = "\"ws\":\"".getBytes(StandardCharsets.US_ASCII);
  static final byte[] DRAIN_REASON = "\"reason\":\"drain\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] QUOTE = {'"'};

  private FrameScanner() {}

  /** Receives each event of a message, as its bounds in the message's bytes. */
  interface Events {
    void onEvent(byte[] b, int start, int end);
  }

  /** Hands {@code to} each event of the message in {@code b[start, end)}: an event object or an array of them. */
  static void eachEvent(byte[] b, int start, int end, Events to) {
    boolean array = b[start] == '[';
    int base = array ? 1 : 0;
    int depth = 0;
    int eventStart = -1;
    boolean inString = false;
    for (int i = start; i < end; i++) {
      byte x = b[i];
      if (inString) {
        if (x == '\\') {
          i++;
        } else if (x == '"') {
          inString = false;
        }
      } else if (x == '"') {
        inString = true;
      } else if (x == '{' || x == '[') {
        if (depth++ == base) {
          eventStart = i;
        }
      } else if (x == '}' || x == ']') {
        if (--depth == base && eventStart >= 0) {
          to.onEvent(b, eventStart, i + 1);
          eventStart = -1;
        }
      }
    }
  }

  /** Whether the event's {@code type} starts with {@code prefix} (pass a closing quote for an exact type). */
  static boolean typeIs(byte[] b, int type, String prefix) {
    return type >= 0 && startsWith(b, type + TYPE.length, prefix);
  }

  /** The text {@code skip} bytes after {@code at} up to the next quote; "" when {@code at} is -1 or none follows. */
  static String string(byte[] b, int at, int skip, int end) {
    int from = at + skip;
    int to = at < 0 ? -1 : indexOf(b, from, end, QUOTE);
    return to < 0 ? "" : new String(b, from, to - from, StandardCharsets.US_ASCII);
  }

  /** The unsigned number {@code skip} bytes after {@code at}, or -1 when there is none. */
  static long number(byte[] b, int at, int skip, int end) {
    if (at < 0) {
      return -1;
    }
    long v = 0;
    int i = at + skip;
    if (i >= end || b[i] < '0' || b[i] > '9') {
      return -1;
    }
    for (; i < end && b[i] >= '0' && b[i] <= '9'; i++) {
      v = v * 10 + (b[i] - '0');
    }
    return v;
  }

  static int indexOf(byte[] b, int from, int to, byte[] pat) {
    outer:
    for (int i = from; i <= to - pat.length; i++) {
      for (int j = 0; j < pat.length; j++) {
        if (b[i + j] != pat[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static int lastIndexOf(byte[] b, int from, int to, byte[] pat) {
    outer:
    for (int i = to - pat.length; i >= from; i--) {
      for (int j = 0; j < pat.length; j++) {
        if (b[i + j] != pat[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static boolean startsWith(byte[] b, int at, String s) {
    if (at + s.length() > b.length) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (b[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
