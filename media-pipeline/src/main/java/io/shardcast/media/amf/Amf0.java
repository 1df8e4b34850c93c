package io.shardcast.media.amf;

import io.shardcast.media.format.MediaFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMF0, the value encoding of RTMP commands and FLV script data. Decodes into Java values: Double,
 * Boolean, String, Map (objects and ECMA arrays), List (strict arrays), null (null and undefined).
 * Malformed or hostile input (bad markers, lengths past the end, nesting too deep, too many
 * entries) is refused with a {@link MediaFormatException}; nothing is allocated for a length
 * that the input does not actually hold.
 */
public final class Amf0 {

  public static final int NUMBER = 0x00;
  public static final int BOOLEAN = 0x01;
  public static final int STRING = 0x02;
  public static final int OBJECT = 0x03;
  public static final int NULL = 0x05;
  public static final int UNDEFINED = 0x06;
  public static final int REFERENCE = 0x07;
  public static final int ECMA_ARRAY = 0x08;
  public static final int OBJECT_END = 0x09;
  public static final int STRICT_ARRAY = 0x0A;
  public static final int DATE = 0x0B;
  public static final int LONG_STRING = 0x0C;

  /** Deeper nesting than any real command or metadata has. */
  private static final int MAX_DEPTH = 16;
  /** More entries than any real command or metadata has. */
  private static final int MAX_ENTRIES = 1024;

  private Amf0() {}

  /** Decodes every value left in {@code in}. */
  public static List<Object> decodeAll(ByteBuffer in) {
    List<Object> values = new ArrayList<>();
    while (in.hasRemaining()) {
      values.add(decode(in, 0));
      if (values.size() > MAX_ENTRIES) {
        throw new MediaFormatException("AMF0: more than " + MAX_ENTRIES + " values");
      }
    }
    return values;
  }

  /** Decodes one value. */
  public static Object decode(ByteBuffer in) {
    return decode(in, 0);
  }

  private static Object decode(ByteBuffer in, int depth) {
    if (depth > MAX_DEPTH) {
      throw new MediaFormatException("AMF0: nesting deeper than " + MAX_DEPTH);
    }
    need(in, 1, "marker");
    int marker = in.get() & 0xFF;
    switch (marker) {
      case NUMBER:
        need(in, 8, "number");
        return in.getDouble();
      case BOOLEAN:
        need(in, 1, "boolean");
        return in.get() != 0;
      case STRING:
        return string(in, shortLength(in));
      case LONG_STRING:
        return string(in, intLength(in));
      case OBJECT:
        return properties(in, depth, new LinkedHashMap<>());
      case ECMA_ARRAY:
        need(in, 4, "ECMA array count");
        in.getInt(); // a hint only; the entries end with the object-end marker
        return properties(in, depth, new LinkedHashMap<>());
      case STRICT_ARRAY: {
        int count = intLength(in);
        if (count > MAX_ENTRIES) {
          throw new MediaFormatException("AMF0: strict array of " + count + " entries");
        }
        List<Object> list = new ArrayList<>(Math.min(count, 64));
        for (int i = 0; i < count; i++) {
          list.add(decode(in, depth + 1));
        }
        return list;
      }
      case DATE:
        need(in, 10, "date");
        double millis = in.getDouble();
        in.getShort();
        return millis;
      case NULL:
      case UNDEFINED:
        return null;
      case REFERENCE:
        throw new MediaFormatException("AMF0: references are not supported");
      default:
        throw new MediaFormatException("AMF0: unknown marker 0x" + Integer.toHexString(marker));
    }
  }

  private static Map<String, Object> properties(ByteBuffer in, int depth, Map<String, Object> map) {
    while (true) {
      String key = string(in, shortLength(in));
      need(in, 1, "property value");
      if (key.isEmpty() && (in.get(in.position()) & 0xFF) == OBJECT_END) {
        in.get();
        return map;
      }
      map.put(key, decode(in, depth + 1));
      if (map.size() > MAX_ENTRIES) {
        throw new MediaFormatException("AMF0: object with more than " + MAX_ENTRIES + " properties");
      }
    }
  }

  private static int shortLength(ByteBuffer in) {
    need(in, 2, "string length");
    return in.getShort() & 0xFFFF;
  }

  private static int intLength(ByteBuffer in) {
    need(in, 4, "length");
    int n = in.getInt();
    if (n < 0) {
      throw new MediaFormatException("AMF0: negative length " + n);
    }
    return n;
  }

  private static String string(ByteBuffer in, int length) {
    need(in, length, "string");
    if (in.hasArray()) {
      String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
      in.position(in.position() + length);
      return s;
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void need(ByteBuffer in, int n, String what) {
    if (in.remaining() < n) {
      throw new MediaFormatException("AMF0: " + what + " needs " + n + " bytes, " + in.remaining() + " left");
    }
  }

  // ---- encoding ------------------------------------------------------------------------------

  /** Encodes values one after another (a command: name, transaction id, then arguments). */
  public static byte[] encode(Object... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    for (Object v : values) {
      write(out, v);
    }
    return out.toByteArray();
  }

  /** Encodes a map as an ECMA array (what onMetaData carries). */
  public static byte[] encodeEcmaArray(String name, Map<String, ?> map) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    write(out, name);
    out.write(ECMA_ARRAY);
    writeInt(out, map.size());
    writeProperties(out, map);
    return out.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private static void write(ByteArrayOutputStream out, Object v) {
    if (v == null) {
      out.write(NULL);
    } else if (v instanceof Number n) {
      out.write(NUMBER);
      long bits = Double.doubleToLongBits(n.doubleValue());
      for (int i = 7; i >= 0; i--) {
        out.write((int) (bits >>> (8 * i)));
      }
    } else if (v instanceof Boolean b) {
      out.write(BOOLEAN);
      out.write(b ? 1 : 0);
    } else if (v instanceof String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > 0xFFFF) {
        out.write(LONG_STRING);
        writeInt(out, bytes.length);
      } else {
        out.write(STRING);
        out.write(bytes.length >>> 8);
        out.write(bytes.length);
      }
      out.writeBytes(bytes);
    } else if (v instanceof Map<?, ?> m) {
      out.write(OBJECT);
      writeProperties(out, (Map<String, ?>) m);
    } else if (v instanceof List<?> list) {
      out.write(STRICT_ARRAY);
      writeInt(out, list.size());
      for (Object o : list) {
        write(out, o);
      }
    } else {
      throw new IllegalArgumentException("no AMF0 form for " + v.getClass());
    }
  }

  private static void writeProperties(ByteArrayOutputStream out, Map<String, ?> map) {
    for (Map.Entry<String, ?> e : map.entrySet()) {
      byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
      out.write(key.length >>> 8);
      out.write(key.length);
      out.writeBytes(key);
      write(out, e.getValue());
    }
    out.write(0);
    out.write(0);
    out.write(OBJECT_END);
  }

  private static void writeInt(ByteArrayOutputStream out, int n) {
    out.write(n >>> 24);
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
  }
}
