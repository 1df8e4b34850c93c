package io.shardcast.media.serve;

import io.shardcast.media.MediaDirectory;
import io.shardcast.media.MediaFrame;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.Track;
import io.shardcast.media.TrackKey;
import io.shardcast.media.play.PlayGate;
import io.shardcast.media.flv.Flv;
import io.shardcast.wire.HttpAnswer;
import io.shardcast.wire.HttpRequestHead;
import io.shardcast.wire.WebSocket;
import io.shardcast.wire.WebSocketReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A viewer on the media HTTP port: {@code GET /live/<roomId>.flv} answers with an endless FLV
 * stream (HTTP-FLV); the same path (or {@code /ws/live/<roomId>}) with a WebSocket upgrade sends
 * every FLV tag as one binary message (WebSocket-FLV, what browser players use). Query
 * parameters {@code camera} and {@code layer} pin a rendition; without them the viewer follows
 * the host's active camera at the layer its throughput holds.
 */
final class HttpFlvConnection extends MediaConnection implements WebSocketReader.Listener {

  private static final int MAX_REQUEST_BYTES = 8 * 1024;
  /** Room, camera and layer ids are checked names ([A-Za-z0-9_-]), so they go into JSON as they are. */
  private static final Pattern LAYERS_PATH = Pattern.compile("/live/([A-Za-z0-9_-]{1,64})/layers");
  /** WHEP (play) and WHIP (publish) offers: the kind, then the room. */
  private static final Pattern WHEP_PATH = Pattern.compile("/(whep|whip)/([A-Za-z0-9_-]{1,64})");
  private static final Pattern WHEP_SESSION_PATH = Pattern.compile("/(whep|whip)/([A-Za-z0-9_-]{1,64})/([a-z0-9]{1,32})");
  /** A page on another origin posts its offer with a Content-Type and reads the answer's Location. */
  private static final String WHEP_CORS = "Access-Control-Expose-Headers: Location\r\n";
  private static final Pattern PATH = Pattern.compile("/(?:live/([A-Za-z0-9_-]{1,64})\\.flv|ws/live/([A-Za-z0-9_-]{1,64}))");
  private static final Pattern RTP_PATH = Pattern.compile("/rtp/([A-Za-z0-9_-]{1,64})");
  /** Browsers' players read the stream from other origins (the viewer page is served elsewhere). */
  private static final String CORS = "Access-Control-Allow-Origin: *\r\n";
  /** A WebSocket-FLV viewer sends nothing but control frames; anything longer is read past. */
  private static final int MAX_VIEWER_MESSAGE_BYTES = 125;
  private static final byte[] WS_FLV_HEADER = wsFlvHeader();

  private ByteBuffer request = ByteBuffer.allocate(1024);
  /** A WHEP or WHIP offer's head while its body arrives; null otherwise. */
  private HttpRequestHead whepHead;
  private int whepBodyStart;
  private int whepBodyLength;
  private String roomId = "?";
  private boolean websocket;
  private boolean answered;
  /** Reads a WebSocket-FLV viewer's frames (a close, a ping); null for HTTP-FLV. */
  private WebSocketReader frames;
  /** Bytes of an incomplete frame from the viewer, kept until the rest arrives; null almost always. */
  private byte[] carry;

  HttpFlvConnection(MediaLoop loop, SocketChannel channel) {
    super(loop, channel);
  }

  @Override
  String describe() {
    return (websocket ? "WebSocket-FLV viewer" : "HTTP-FLV viewer") + " of room " + roomId;
  }

  @Override
  void onReadable() throws IOException {
    if (request == null) {
      // After the request only what a WebSocket viewer says (a close, a ping), or the peer going away, matters.
      ByteBuffer in = loop.scratch;
      in.clear();
      if (carry != null) {
        in.put(carry);
        carry = null;
      }
      int n = channel.read(in);
      if (n < 0) {
        close("the viewer closed the connection");
        return;
      }
      if (frames != null) {
        in.flip();
        frames.read(in, loop.viewerMessage, this);
        if (!closed && in.hasRemaining()) {
          carry = new byte[in.remaining()];
          in.get(carry);
        }
      }
      return;
    }
    if (!request.hasRemaining()) {
      if (request.capacity() >= MAX_REQUEST_BYTES) {
        error(431, "HEADERS_TOO_LARGE", "the request head exceeds " + MAX_REQUEST_BYTES + " bytes");
        return;
      }
      request = grow(request, MAX_REQUEST_BYTES);
    }
    int n = channel.read(request);
    if (n < 0) {
      close("the viewer closed the connection before its request");
      return;
    }
    int end = whepHead != null ? whepBodyStart - HttpRequestHead.END_BYTES
        : HttpRequestHead.indexOfEnd(request.array(), Math.max(0, request.position() - n - 3), request.position());
    if (end < 0) {
      return;
    }
    if (whepHead == null) {
      whepHead = HttpRequestHead.parse(request.array(), end);
      whepBodyStart = end + HttpRequestHead.END_BYTES;
      boolean offer = "POST".equals(whepHead.method()) && whepHead.path() != null
          && WHEP_PATH.matcher(whepHead.path()).matches();
      boolean fragment = "PATCH".equals(whepHead.method()) && whepHead.path() != null
          && WHEP_SESSION_PATH.matcher(whepHead.path()).matches();
      if (!whepHead.isHttp() || !(offer || fragment)) {
        HttpRequestHead head = whepHead;
        whepHead = null;
        request = null;
        handle(head);
        return;
      }
      int length;
      try {
        length = Integer.parseInt(String.valueOf(whepHead.header("content-length")).trim());
      } catch (NumberFormatException e) {
        length = -1;
      }
      if (length <= 0 || length > io.shardcast.media.webrtc.SdpOffer.MAX_BYTES) {
        error(length <= 0 ? 411 : 413, length <= 0 ? "LENGTH_REQUIRED" : "OFFER_TOO_LARGE",
            "a WHEP or WHIP offer is an SDP body of 1.." + io.shardcast.media.webrtc.SdpOffer.MAX_BYTES
                + " bytes with Content-Length");
        return;
      }
      whepBodyLength = length;
      if (request.capacity() < whepBodyStart + length) {
        ByteBuffer bigger = ByteBuffer.allocate(whepBodyStart + length);
        request.flip();
        bigger.put(request);
        request = bigger;
      }
    }
    if (request.position() >= whepBodyStart + whepBodyLength) {
      String sdp = new String(request.array(), whepBodyStart, whepBodyLength, java.nio.charset.StandardCharsets.UTF_8);
      HttpRequestHead head = whepHead;
      request = null;
      if ("PATCH".equals(head.method())) {
        patch(head, sdp);
      } else {
        whep(head, sdp);
      }
    }
  }

  /**
   * {@code POST /whep/<roomId>} (play) or {@code POST /whip/<roomId>} (publish, with the host token
   * as {@code Authorization: Bearer} or {@code ?token=}, and {@code ?camera=&layer=} as RTMP takes
   * them) with an SDP offer: 201 with the answer and the session's Location.
   */
  private void whep(HttpRequestHead head, String sdp) {
    Matcher m = WHEP_PATH.matcher(head.path());
    m.matches();
    boolean publish = m.group(1).equals("whip");
    roomId = m.group(2);
    String kind = publish ? "WHIP" : "WHEP";
    java.util.concurrent.CompletionStage<io.shardcast.media.webrtc.WebRtcService.Answer> answer;
    if (publish) {
      Map<String, String> query = head.query();
      String camera = query.getOrDefault("camera", TrackKey.DEFAULT_CAMERA);
      String layer = query.getOrDefault("layer", TrackKey.DEFAULT_LAYER);
      if (!TrackKey.valid(camera) || !TrackKey.valid(layer)) {
        error(400, "BAD_REQUEST", "camera and layer are 1-32 characters of [A-Za-z0-9_-]");
        return;
      }
      String auth = head.header("authorization");
      String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim()
          : query.get("token");
      if (token == null || token.isEmpty()) {
        error(401, "TOKEN_MISSING", "WHIP publishing needs the room's host token: 'Authorization: Bearer <hostToken>'");
        return;
      }
      answer = loop.server.webrtc.publish(roomId, new TrackKey(camera, layer), token, sdp);
    } else {
      PlayGate.Refused refused = loop.server.gate.check(roomId, head.query(), System.currentTimeMillis());
      if (refused != null) {
        error(refused.status(), refused.code(), refused.message());
        return;
      }
      Map<String, String> query = head.query();
      String camera = query.get("camera");
      String layer = query.get("layer");
      if ((camera != null && !TrackKey.valid(camera)) || (layer != null && !TrackKey.valid(layer))) {
        error(400, "BAD_REQUEST", "camera and layer are 1-32 characters of [A-Za-z0-9_-]");
        return;
      }
      answer = loop.server.webrtc.offer(roomId, camera, layer, sdp);
    }
    String id = roomId;
    String path = publish ? "/whip/" : "/whep/";
    answer.whenComplete((a, e) -> loop.execute(() -> {
      if (closed) {
        return;
      }
      if (e != null) {
        error(503, "UNAVAILABLE", "cannot answer for room " + id + ": " + e.getMessage());
      } else if (a.sdp() == null) {
        error(a.status(), a.code(), a.message());
      } else {
        answered = true;
        byte[] body = a.sdp().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        send(HttpAnswer.head(201, "application/sdp", body.length, "Location: " + path + id + "/" + a.sessionId()
            + "\r\n" + CORS + WHEP_CORS, true));
        send(body);
        closeAfterFlush(kind + " session " + a.sessionId() + " answered");
      }
    }));
  }

  /**
   * {@code PATCH /whep|whip/<roomId>/<session>} with an SDP fragment: trickled candidates (204)
   * or an ICE restart (200 with the node's new credentials), as RFC 9725 has it.
   */
  private void patch(HttpRequestHead head, String fragment) {
    Matcher m = WHEP_SESSION_PATH.matcher(head.path());
    m.matches();
    roomId = m.group(2);
    String kind = m.group(1).toUpperCase(java.util.Locale.ROOT);
    String type = String.valueOf(head.header("content-type"));
    if (!type.startsWith("application/trickle-ice-sdpfrag")) {
      error(415, "UNSUPPORTED_MEDIA_TYPE", "a PATCH of a " + kind + " session is application/trickle-ice-sdpfrag");
      return;
    }
    io.shardcast.media.webrtc.WebRtcService.Answer a = loop.server.webrtc.patch(m.group(3), fragment);
    if (a == null) {
      error(404, "NO_SESSION", "no " + kind + " session " + m.group(3));
    } else if (a.status() == 204) {
      answered = true;
      send(HttpAnswer.head(204, "text/plain", 0, CORS, true));
      closeAfterFlush(kind + " session " + a.sessionId() + ": candidates taken");
    } else if (a.sdp() == null) {
      error(a.status(), a.code(), a.message());
    } else {
      answered = true;
      byte[] body = a.sdp().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      send(HttpAnswer.head(200, "application/trickle-ice-sdpfrag", body.length, CORS, true));
      send(body);
      closeAfterFlush(kind + " session " + a.sessionId() + ": ICE restarted");
    }
  }

  private void handle(HttpRequestHead head) {
    if (!head.isHttp()) {
      error(400, "BAD_REQUEST", "not an HTTP/1.x request line");
      return;
    }
    String path = head.path();
    Map<String, String> query = head.query();
    Matcher rtp = RTP_PATH.matcher(path);
    if (rtp.matches()) {
      roomId = rtp.group(1);
      if (!head.method().equals("POST")) {
        error(405, "METHOD_NOT_ALLOWED", "POST /rtp/<roomId>?token=<hostToken> registers an RTP publisher");
        return;
      }
      registerRtp(query);
      return;
    }
    if (head.method().equals("OPTIONS") && (WHEP_PATH.matcher(path).matches() || WHEP_SESSION_PATH.matcher(path).matches())) {
      answered = true;
      send(HttpAnswer.head(204, "text/plain", 0, CORS + "Access-Control-Allow-Methods: POST, PATCH, DELETE, OPTIONS\r\n"
          + "Access-Control-Allow-Headers: Content-Type, Authorization\r\nAccess-Control-Max-Age: 600\r\n"
          + "Accept-Post: application/sdp\r\n", true));
      closeAfterFlush("WHEP or WHIP preflight answered");
      return;
    }
    Matcher whepSession = WHEP_SESSION_PATH.matcher(path);
    if (whepSession.matches()) {
      roomId = whepSession.group(2);
      String kind = whepSession.group(1).toUpperCase(java.util.Locale.ROOT);
      if (!head.method().equals("DELETE")) {
        error(405, "METHOD_NOT_ALLOWED", "a " + kind + " session takes PATCH (trickle, ICE restart) and DELETE (to end it)");
        return;
      }
      if (!loop.server.webrtc.delete(whepSession.group(3))) {
        error(404, "NO_SESSION", "no " + kind + " session " + whepSession.group(3));
        return;
      }
      answered = true;
      send(HttpAnswer.head(200, "text/plain", 0, CORS, true));
      closeAfterFlush(kind + " session ended");
      return;
    }
    Matcher offerPath = WHEP_PATH.matcher(path);
    if (offerPath.matches()) {
      error(405, "METHOD_NOT_ALLOWED", "POST /" + offerPath.group(1) + "/<roomId> with an SDP offer starts a "
          + offerPath.group(1).toUpperCase(java.util.Locale.ROOT) + " session");
      return;
    }
    Matcher layers = LAYERS_PATH.matcher(path);
    if (layers.matches()) {
      roomId = layers.group(1);
      if (!head.method().equals("GET")) {
        error(405, "METHOD_NOT_ALLOWED", "only GET");
        return;
      }
      layers(loop.server.hub.existing(roomId));
      return;
    }
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      error(404, "NOT_FOUND", "media paths are /live/<roomId>.flv, /ws/live/<roomId> and /live/<roomId>/layers");
      return;
    }
    if (!head.method().equals("GET")) {
      error(405, "METHOD_NOT_ALLOWED", "only GET");
      return;
    }
    roomId = m.group(1) != null ? m.group(1) : m.group(2);
    websocket = head.headerHasToken("upgrade", "websocket");
    if (m.group(2) != null && !websocket) {
      error(400, "WEBSOCKET_REQUIRED", "/ws/live/" + roomId + " needs a WebSocket upgrade; plain HTTP-FLV is /live/"
          + roomId + ".flv");
      return;
    }
    String key = head.header("sec-websocket-key");
    if (websocket && key == null) {
      error(400, "BAD_WEBSOCKET", "a WebSocket upgrade without Sec-WebSocket-Key");
      return;
    }
    String camera = query.get("camera");
    String layer = query.get("layer");
    if ((camera != null && !TrackKey.valid(camera)) || (layer != null && !TrackKey.valid(layer))) {
      error(400, "BAD_TRACK", "camera and layer must be 1..32 of [A-Za-z0-9_-]");
      return;
    }
    PlayGate.Refused refused = loop.server.gate.check(roomId, query, System.currentTimeMillis());
    if (refused != null) {
      error(refused.status(), refused.code(), refused.message());
      return;
    }
    MediaRoom room = loop.server.hub.existing(roomId);
    if (room != null && room.live()) {
      start(room, camera, layer, key);
      return;
    }
    String id = roomId;
    loop.server.directory.watch(id).whenComplete((d, e) -> loop.execute(() -> {
      if (closed) {
        return;
      }
      if (e != null) {
        error(503, "UNAVAILABLE", "cannot look up room " + id + ": " + e.getMessage());
      } else if (!d.ok()) {
        error(d.verdict().httpStatus, d.verdict().name(), d.message());
      } else {
        start(loop.server.hub.room(id), camera, layer, key);
      }
    }));
  }

  /**
   * {@code POST /rtp/<roomId>?token=..[&camera=..][&layer=..][&sampleRate=48000&channels=2]}: checks
   * the token like an RTMP publish, then answers 201 with the UDP port to send RTP to (H.264 as
   * payload type 96, AAC as 97; sampleRate and channels describe the AAC, as an SDP would).
   */
  private void registerRtp(Map<String, String> query) {
    String camera = query.getOrDefault("camera", TrackKey.DEFAULT_CAMERA);
    String layer = query.getOrDefault("layer", TrackKey.DEFAULT_LAYER);
    if (!TrackKey.valid(camera) || !TrackKey.valid(layer)) {
      error(400, "BAD_TRACK", "camera and layer must be 1..32 of [A-Za-z0-9_-]");
      return;
    }
    byte[] asc = null;
    if (query.containsKey("sampleRate")) {
      try {
        asc = io.shardcast.media.rtp.AacConfig.lc(Integer.parseInt(query.get("sampleRate")),
            Integer.parseInt(query.getOrDefault("channels", "2")));
      } catch (IllegalArgumentException e) {
        error(400, "BAD_AUDIO", "sampleRate must be an AAC rate (48000, 44100, ...) and channels 1..7");
        return;
      }
    }
    TrackKey key = new TrackKey(camera, layer);
    byte[] config = asc;
    String id = roomId;
    loop.server.directory.authorizePublish(id, query.getOrDefault("token", ""), key)
        .thenCompose(d -> d.ok() ? loop.server.rtp.openIngest(id, key, config).thenApply(port -> (Object) port)
            : java.util.concurrent.CompletableFuture.completedFuture((Object) d))
        .whenComplete((r, e) -> loop.execute(() -> {
          if (closed) {
            return;
          }
          if (e != null) {
            error(503, "UNAVAILABLE", "cannot register the RTP publisher: " + e.getMessage());
          } else if (r instanceof MediaDirectory.Decision d) {
            error(d.verdict().httpStatus, d.verdict().name(), d.message());
          } else {
            answered = true;
            String body = "{\"roomId\":\"" + id + "\",\"port\":" + r + ",\"videoPayloadType\":96,\"audioPayloadType\":97}";
            send(HttpAnswer.json(201, body, CORS, true));
            closeAfterFlush("RTP publisher registered on port " + r);
          }
        }));
  }

  /**
   * {@code GET /live/<roomId>/layers}: the layers of the room's active camera that this node serves
   * now, highest first, for a player's menu ({@code ?layer=} pins one), each with whether its
   * encoder sends B-frames (the host console warns); 404 when the room's media is not on this node
   * (a node gets it with its first viewer).
   */
  private void layers(MediaRoom room) {
    if (room == null || !room.live()) {
      error(404, "NOT_HERE", "room " + roomId + " has no media on this node; play it here first");
      return;
    }
    String camera = room.activeCamera();
    List<Track> tracks = new ArrayList<>();
    for (Track t : room.tracks()) {
      if (!t.ended() && t.key.camera().equals(camera)) {
        tracks.add(t);
      }
    }
    tracks.sort((a, b) -> a.bytesPerSecond() != b.bytesPerSecond() ? Double.compare(b.bytesPerSecond(),
        a.bytesPerSecond()) : a.key.layer().compareTo(b.key.layer()));
    StringBuilder json = new StringBuilder("{\"roomId\":\"").append(roomId).append("\",\"camera\":\"")
        .append(camera).append("\",\"layers\":[");
    for (int i = 0; i < tracks.size(); i++) {
      Track t = tracks.get(i);
      json.append(i == 0 ? "" : ",").append("{\"layer\":\"").append(t.key.layer()).append("\",\"kbps\":")
          .append(Math.round(t.bytesPerSecond() * 8 / 1000)).append(",\"bFrames\":").append(t.reordered()).append('}');
    }
    json.append("]}");
    answered = true;
    send(HttpAnswer.json(200, json.toString(), "Cache-Control: no-cache\r\n" + CORS, true));
    closeAfterFlush("layers of " + roomId + " answered");
  }

  private void start(MediaRoom room, String camera, String layer, String wsKey) {
    answered = true;
    // The header says whether audio comes: a browser player told so waits for it before it plays.
    byte[] header = hasAudio(room, camera) ? Flv.FILE_HEADER : Flv.VIDEO_ONLY_HEADER;
    if (websocket) {
      send(WebSocket.upgradeAnswer(wsKey));
      send(header == Flv.FILE_HEADER ? WS_FLV_HEADER.clone() : WebSocket.frame(WebSocket.OP_BINARY, header));
      frames = new WebSocketReader(MAX_VIEWER_MESSAGE_BYTES);
      play(room, camera, layer, MediaFrame.WS_FLV);
    } else {
      send(HttpAnswer.head(200, "video/x-flv", -1, "Cache-Control: no-cache\r\n" + CORS, true));
      send(header.clone());
      play(room, camera, layer, MediaFrame.FLV);
    }
  }

  /** Whether the camera's stream (the active one when none is asked for) carries audio (AAC) now. */
  private static boolean hasAudio(MediaRoom room, String camera) {
    String c = camera != null ? camera : room.activeCamera();
    for (Track t : room.tracks()) {
      if (!t.ended() && (c == null || t.key.camera().equals(c)) && t.audioConfig() != null) {
        return true;
      }
    }
    return false;
  }

  private void error(int status, String code, String message) {
    if (answered) {
      closeAfterFlush(message);
      return;
    }
    answered = true;
    request = null;
    websocket = false;
    send(HttpAnswer.error(status, code, message, CORS));
    closeAfterFlush(status + " " + code + ": " + message);
  }

  @Override
  boolean setupTimedOut(long nowMillis) {
    return !answered && super.setupTimedOut(nowMillis);
  }

  // ---- what a WebSocket-FLV viewer sends (WebSocketReader.Listener; loop thread) ------------------

  @Override
  public boolean reading() {
    return !closed;
  }

  @Override
  public void onText(String text) {
    // Nothing a viewer says changes its stream; the query string chose it.
  }

  @Override
  public void onRefused(boolean binary) {
    // As above.
  }

  @Override
  public void onPing(byte[] payload, int length) {
    byte[] data = new byte[length];
    System.arraycopy(payload, 0, data, 0, length);
    send(WebSocket.frame(WebSocket.OP_PONG, data));
  }

  @Override
  public void onClose(int code) {
    close("the viewer sent a WebSocket close (" + code + ")");
  }

  @Override
  public void onProtocolError(String why) {
    close("WebSocket protocol error: " + why);
  }

  private static byte[] wsFlvHeader() {
    return WebSocket.frame(WebSocket.OP_BINARY, Flv.FILE_HEADER);
  }
}
