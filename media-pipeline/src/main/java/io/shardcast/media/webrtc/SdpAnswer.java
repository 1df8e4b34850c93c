package io.shardcast.media.webrtc;

import java.util.List;

/**
 * The answer of an ICE-lite WebRTC server (RFC 8829, RFC 8445 ICE-lite, RFC 5763 DTLS-SRTP): for
 * each of the offer's media sections, the one codec accepted (or the section rejected with port
 * 0), the server's ICE credentials and host candidates (UDP, and TCP passive as the fallback),
 * the DTLS fingerprint with {@code setup:passive} (the browser is the DTLS client), rtcp-mux, and
 * the SSRC the server sends from.
 */
public final class SdpAnswer {

  /**
   * What the server answers for one media section: null codec rejects it; {@code repair} are the
   * offer's RED and ULPFEC formats when the server sends them too, or the RTX format it takes
   * retransmissions in; {@code receiveRids} the
   * simulcast streams it takes from a publisher (RFC 8853).
   */
  public record Section(SdpOffer.Media offered, SdpOffer.Codec codec, String direction, long ssrc, String cname,
      List<String> feedback, List<Integer> extensions, List<SdpOffer.Codec> repair, List<String> receiveRids) {

    public Section(SdpOffer.Media offered, SdpOffer.Codec codec, String direction, long ssrc, String cname,
        List<String> feedback, List<Integer> extensions) {
      this(offered, codec, direction, ssrc, cname, feedback, extensions, List.of(), List.of());
    }
  }

  /** A host candidate: the address the browser sends to. */
  public record Candidate(String protocol, String host, int port) {}

  private SdpAnswer() {}

  public static String write(List<Section> sections, String ufrag, String pwd, String fingerprintSha256,
      List<Candidate> candidates, long sessionId) {
    StringBuilder s = new StringBuilder(1024);
    s.append("v=0\r\n");
    s.append("o=- ").append(sessionId).append(" 1 IN IP4 127.0.0.1\r\n");
    s.append("s=shardcast\r\n");
    s.append("t=0 0\r\n");
    s.append("a=ice-lite\r\n");
    StringBuilder bundle = new StringBuilder("a=group:BUNDLE");
    for (Section sec : sections) {
      if (sec.codec() != null && sec.offered().mid() != null) {
        bundle.append(' ').append(sec.offered().mid());
      }
    }
    s.append(bundle).append("\r\n");
    s.append("a=msid-semantic: WMS shardcast\r\n");
    for (Section sec : sections) {
      SdpOffer.Media m = sec.offered();
      String proto = "UDP/TLS/RTP/SAVPF";
      if (sec.codec() == null) {
        s.append("m=").append(m.kind()).append(" 0 ").append(proto).append(' ')
            .append(m.codecs().isEmpty() ? 0 : m.codecs().get(0).payloadType()).append("\r\n");
        s.append("c=IN IP4 0.0.0.0\r\n");
        if (m.mid() != null) {
          s.append("a=mid:").append(m.mid()).append("\r\n");
        }
        s.append("a=inactive\r\n");
        continue;
      }
      SdpOffer.Codec c = sec.codec();
      Candidate first = candidates.get(0);
      s.append("m=").append(m.kind()).append(' ').append(first.port()).append(' ').append(proto).append(' ')
          .append(c.payloadType());
      for (SdpOffer.Codec r : sec.repair()) {
        s.append(' ').append(r.payloadType());
      }
      s.append("\r\n");
      s.append("c=IN IP4 ").append(first.host()).append("\r\n");
      s.append("a=mid:").append(m.mid()).append("\r\n");
      s.append("a=").append(sec.direction()).append("\r\n");
      s.append("a=ice-ufrag:").append(ufrag).append("\r\n");
      s.append("a=ice-pwd:").append(pwd).append("\r\n");
      s.append("a=fingerprint:sha-256 ").append(fingerprintSha256).append("\r\n");
      s.append("a=setup:passive\r\n");
      s.append("a=rtcp-mux\r\n");
      s.append("a=rtcp-rsize\r\n");
      for (int id : sec.extensions()) {
        s.append("a=extmap:").append(id).append(' ').append(m.extensions().get(id)).append("\r\n");
      }
      s.append("a=rtpmap:").append(c.payloadType()).append(' ').append(c.name()).append('/').append(c.clockRate());
      if (c.channels() > 1) {
        s.append('/').append(c.channels());
      }
      s.append("\r\n");
      if (!c.fmtp().isEmpty()) {
        s.append("a=fmtp:").append(c.payloadType()).append(' ');
        boolean firstParam = true;
        for (var e : c.fmtp().entrySet()) {
          s.append(firstParam ? "" : ";").append(e.getKey()).append('=').append(e.getValue());
          firstParam = false;
        }
        s.append("\r\n");
      }
      for (String fb : sec.feedback()) {
        s.append("a=rtcp-fb:").append(c.payloadType()).append(' ').append(fb).append("\r\n");
      }
      if (!sec.receiveRids().isEmpty()) {
        for (String rid : sec.receiveRids()) {
          s.append("a=rid:").append(rid).append(" recv\r\n");
        }
        s.append("a=simulcast:recv ").append(String.join(";", sec.receiveRids())).append("\r\n");
      }
      for (SdpOffer.Codec r : sec.repair()) {
        s.append("a=rtpmap:").append(r.payloadType()).append(' ').append(r.name()).append('/').append(r.clockRate())
            .append("\r\n");
        if (r.fmtp("apt") != null) {
          s.append("a=fmtp:").append(r.payloadType()).append(" apt=").append(r.fmtp("apt")).append("\r\n");
        }
      }
      if (sec.direction().startsWith("send")) {
        s.append("a=ssrc:").append(sec.ssrc()).append(" cname:").append(sec.cname()).append("\r\n");
        s.append("a=msid:shardcast ").append(m.kind()).append("\r\n");
      }
      int priority = 2_130_706_431;
      int foundation = 1;
      for (Candidate cand : candidates) {
        s.append("a=candidate:").append(foundation++).append(" 1 ").append(cand.protocol()).append(' ')
            .append(priority--).append(' ').append(cand.host()).append(' ').append(cand.port()).append(" typ host");
        if (cand.protocol().equals("tcp")) {
          s.append(" tcptype passive");
        }
        s.append("\r\n");
      }
      s.append("a=end-of-candidates\r\n");
    }
    return s.toString();
  }
}
