package io.shardcast.media.webrtc;

import io.shardcast.media.format.MediaFormatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A browser's SDP offer as a WebRTC server needs it (RFC 8866, RFC 8829): per media section its
 * kind, mid, direction and codecs (payload type, name, clock, fmtp, rtcp-fb), the header
 * extensions, and the ICE credentials and DTLS fingerprint (session-level values apply to every
 * section that has none). A malformed or oversized offer throws {@link MediaFormatException} with
 * what is wrong; nothing else is thrown.
 */
public record SdpOffer(List<Media> media) {

  /** Offers larger than this are refused: a browser's is a few kilobytes. */
  public static final int MAX_BYTES = 64 * 1024;
  private static final int MAX_SECTIONS = 16;
  /** Simulcast streams one section may send: more than a room has layers for. */
  static final int MAX_RIDS = 4;

  /** One codec of a media section. */
  public record Codec(int payloadType, String name, int clockRate, int channels, Map<String, String> fmtp,
      List<String> feedback) {

    public String fmtp(String key) {
      return fmtp.get(key);
    }
  }

  /** One m= section; {@code rids} are the simulcast streams it sends (none without simulcast). */
  public record Media(String kind, String mid, String direction, List<Codec> codecs, Map<Integer, String> extensions,
      String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprint, String setup, boolean rtcpMux,
      List<String> rids) {

    /** The codec with {@code name} (case-insensitive) that {@code accept} takes, first in the offer's order. */
    public Codec codec(String name, java.util.function.Predicate<Codec> accept) {
      for (Codec c : codecs) {
        if (c.name().equalsIgnoreCase(name) && accept.test(c)) {
          return c;
        }
      }
      return null;
    }

    /** The id the offer gives header extension {@code uri}, or -1. */
    public int extension(String uri) {
      for (Map.Entry<Integer, String> e : extensions.entrySet()) {
        if (e.getValue().equals(uri)) {
          return e.getKey();
        }
      }
      return -1;
    }
  }

  private static final class Section {
    String kind;
    String mid;
    String direction = "sendrecv";
    final List<Integer> order = new ArrayList<>();
    final Map<Integer, String[]> rtpmap = new LinkedHashMap<>();
    final Map<Integer, Map<String, String>> fmtp = new LinkedHashMap<>();
    final Map<Integer, List<String>> feedback = new LinkedHashMap<>();
    final Map<Integer, String> extensions = new LinkedHashMap<>();
    String ufrag;
    String pwd;
    String fingerprintAlgorithm;
    String fingerprint;
    String setup;
    boolean rtcpMux;
    /** Simulcast streams the section sends ({@code a=rid:<id> send}), in the offer's order. */
    final List<String> rids = new ArrayList<>();
  }

  public static SdpOffer parse(String sdp) {
    if (sdp == null || sdp.isBlank()) {
      throw new MediaFormatException("SDP: an empty offer");
    }
    if (sdp.length() > MAX_BYTES) {
      throw new MediaFormatException("SDP: an offer of " + sdp.length() + " characters (at most " + MAX_BYTES + ")");
    }
    String[] lines = sdp.split("\r?\n");
    if (!lines[0].trim().equals("v=0")) {
      throw new MediaFormatException("SDP: the offer must start with v=0");
    }
    Section session = new Section();
    List<Section> sections = new ArrayList<>();
    Section current = session;
    for (String raw : lines) {
      String line = raw.trim();
      if (line.length() < 2 || line.charAt(1) != '=') {
        if (line.isEmpty()) {
          continue;
        }
        throw new MediaFormatException("SDP: a line that is not <type>=<value>: " + shorten(line));
      }
      char type = line.charAt(0);
      String value = line.substring(2);
      if (type == 'm') {
        if (sections.size() >= MAX_SECTIONS) {
          throw new MediaFormatException("SDP: more than " + MAX_SECTIONS + " media sections");
        }
        current = media(value);
        sections.add(current);
      } else if (type == 'a') {
        attribute(current, value);
      }
    }
    if (sections.isEmpty()) {
      throw new MediaFormatException("SDP: no media section (m=)");
    }
    List<Media> media = new ArrayList<>();
    for (Section s : sections) {
      List<Codec> codecs = new ArrayList<>();
      for (int pt : s.order) {
        String[] map = s.rtpmap.get(pt);
        if (map == null) {
          continue; // a static payload type with no rtpmap: none a browser offers for WebRTC
        }
        codecs.add(new Codec(pt, map[0], Integer.parseInt(map[1]), map.length > 2 ? Integer.parseInt(map[2]) : 1,
            s.fmtp.getOrDefault(pt, Map.of()), s.feedback.getOrDefault(pt, List.of())));
      }
      media.add(new Media(s.kind, s.mid, s.direction, List.copyOf(codecs), Map.copyOf(s.extensions),
          or(s.ufrag, session.ufrag), or(s.pwd, session.pwd), or(s.fingerprintAlgorithm, session.fingerprintAlgorithm),
          or(s.fingerprint, session.fingerprint), or(s.setup, session.setup), s.rtcpMux, List.copyOf(s.rids)));
    }
    return new SdpOffer(List.copyOf(media));
  }

  private static Section media(String value) {
    String[] f = value.split(" ");
    if (f.length < 4) {
      throw new MediaFormatException("SDP: m= needs <media> <port> <proto> <formats>: " + shorten(value));
    }
    Section s = new Section();
    s.kind = f[0];
    for (int i = 3; i < f.length; i++) {
      s.order.add(number(f[i], "payload type"));
    }
    return s;
  }

  private static void attribute(Section s, String value) {
    int colon = value.indexOf(':');
    String name = colon < 0 ? value : value.substring(0, colon);
    String v = colon < 0 ? "" : value.substring(colon + 1);
    switch (name) {
      case "mid" -> s.mid = v;
      case "sendrecv", "sendonly", "recvonly", "inactive" -> s.direction = name;
      case "ice-ufrag" -> s.ufrag = v;
      case "ice-pwd" -> s.pwd = v;
      case "setup" -> s.setup = v;
      case "rtcp-mux" -> s.rtcpMux = true;
      case "rid" -> {
        String[] f = v.split(" ");
        if (f.length >= 2 && f[1].equals("send")) {
          if (s.rids.size() >= MAX_RIDS) {
            throw new MediaFormatException("SDP: more than " + MAX_RIDS + " simulcast streams (a=rid) in one section");
          }
          s.rids.add(f[0]);
        }
      }
      case "fingerprint" -> {
        String[] f = v.split(" ", 2);
        if (f.length != 2) {
          throw new MediaFormatException("SDP: a=fingerprint needs <hash> <value>");
        }
        s.fingerprintAlgorithm = f[0].toLowerCase(java.util.Locale.ROOT);
        s.fingerprint = f[1].trim();
      }
      case "rtpmap" -> {
        String[] f = v.split(" ", 2);
        if (f.length != 2) {
          throw new MediaFormatException("SDP: a=rtpmap needs <pt> <name>/<clock>: " + shorten(v));
        }
        String[] enc = f[1].split("/");
        if (enc.length < 2) {
          throw new MediaFormatException("SDP: a=rtpmap needs <name>/<clock>: " + shorten(v));
        }
        number(enc[1], "clock rate");
        if (enc.length > 2) {
          number(enc[2], "channel count");
        }
        s.rtpmap.put(number(f[0], "payload type"), enc);
      }
      case "fmtp" -> {
        String[] f = v.split(" ", 2);
        Map<String, String> params = new LinkedHashMap<>();
        if (f.length == 2) {
          for (String p : f[1].split(";")) {
            int eq = p.indexOf('=');
            if (eq > 0) {
              params.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
            }
          }
        }
        s.fmtp.put(number(f[0], "payload type"), params);
      }
      case "rtcp-fb" -> {
        String[] f = v.split(" ", 2);
        if (f.length == 2 && !f[0].equals("*")) {
          s.feedback.computeIfAbsent(number(f[0], "payload type"), k -> new ArrayList<>()).add(f[1].trim());
        }
      }
      case "extmap" -> {
        String[] f = v.split(" ");
        if (f.length < 2) {
          throw new MediaFormatException("SDP: a=extmap needs <id> <uri>");
        }
        String id = f[0].contains("/") ? f[0].substring(0, f[0].indexOf('/')) : f[0];
        s.extensions.put(number(id, "extension id"), f[1]);
      }
      default -> { }
    }
  }

  private static int number(String s, String what) {
    try {
      int n = Integer.parseInt(s.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new MediaFormatException("SDP: " + what + " '" + shorten(s) + "' is not a number");
    }
  }

  private static String or(String a, String b) {
    return a != null ? a : b;
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
