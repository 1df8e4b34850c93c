package io.shardcast.media.serve;

import io.shardcast.media.MediaDirectory;
import io.shardcast.media.MediaFrame;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.OriginPublisher;
import io.shardcast.media.TrackKey;
import io.shardcast.media.amf.Amf0;
import io.shardcast.media.flv.Flv;
import io.shardcast.media.format.MediaFormatException;
import io.shardcast.media.play.PlayGate;
import io.shardcast.media.rtmp.ChunkReader;
import io.shardcast.media.rtmp.ChunkWriter;
import io.shardcast.media.rtmp.RtmpMessage;
import io.shardcast.wire.QueryString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * An RTMP connection, as OBS and ffmpeg speak it: the plain handshake, the chunk stream, AMF0
 * commands, then either publishing ({@code rtmp://node:1935/live/<roomId>?token=<hostToken>},
 * optionally {@code &camera=close-up&layer=720p}) or playing ({@code .../live/<roomId>}). A
 * wrong token, an unknown room or malformed input closes this connection with a status and a
 * logged reason; the room and every other connection carry on.
 */
final class RtmpConnection extends MediaConnection {

  private static final int HANDSHAKE_BYTES = 1536;
  private static final int SERVER_WINDOW_BYTES = 2_500_000;
  private static final int COMMAND_CSID = 3;
  private static final int CONTROL_CSID = 2;
  private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  /** What a player's input buffer starts at; it grows to hold one chunk of the peer's chunk size. */
  private static final int PLAYER_INPUT_BYTES = 4096;

  private enum Phase { C0C1, C2, CHUNKS }

  private Phase phase = Phase.C0C1;
  private ByteBuffer in = ByteBuffer.allocate(PLAYER_INPUT_BYTES);
  private final ChunkReader reader;
  private String app;
  private String roomId = "?";
  private TrackKey trackKey;
  private boolean authorizing;
  private OriginPublisher publisher;
  private long received;
  private long acknowledged;
  private long peerWindow;
  private boolean player;

  RtmpConnection(MediaLoop loop, SocketChannel channel) {
    super(loop, channel);
    this.reader = new ChunkReader(loop.server.settings.maxMessageBytes());
  }

  @Override
  String describe() {
    if (publisher != null || authorizing) {
      return "RTMP publisher of room " + roomId + (trackKey != null ? " (" + trackKey + ")" : "");
    }
    return player ? "RTMP player of room " + roomId : "RTMP connection";
  }

  @Override
  boolean setupTimedOut(long nowMillis) {
    return publisher == null && !authorizing && super.setupTimedOut(nowMillis);
  }

  @Override
  void onReadable() throws IOException {
    if (!in.hasRemaining()) {
      int want = Math.max(in.capacity() * 2, reader.chunkSize() + ChunkReader.MAX_HEADER_BYTES + 64);
      if (want > ChunkReader.MAX_CHUNK_SIZE + ChunkReader.MAX_HEADER_BYTES + 4096) {
        throw new MediaFormatException("RTMP: no whole chunk in " + in.capacity() + " bytes");
      }
      in = grow(in, want);
    }
    int n = channel.read(in);
    if (n < 0) {
      close(publisher != null ? "the publisher disconnected" : "the peer closed the connection");
      return;
    }
    received += n;
    in.flip();
    try {
      while (!closed && in.hasRemaining()) {
        int before = in.remaining();
        Phase was = phase;
        step();
        if (in.remaining() == before && phase == was) {
          break;
        }
      }
    } finally {
      in.compact();
    }
    if (peerWindow > 0 && received - acknowledged >= peerWindow) {
      acknowledged = received;
      send(ChunkWriter.encode(CONTROL_CSID, RtmpMessage.ACKNOWLEDGEMENT, 0, 0, int32((int) received),
          ChunkReader.MAX_CHUNK_SIZE));
    }
  }

  private void step() {
    switch (phase) {
      case C0C1 -> {
        int version = in.get(in.position()) & 0xFF;
        if (version != 3) {
          throw new MediaFormatException("RTMP: handshake version " + version + " (only 3, plain RTMP)");
        }
        if (in.remaining() < 1 + HANDSHAKE_BYTES) {
          return;
        }
        in.get();
        byte[] c1 = new byte[HANDSHAKE_BYTES];
        in.get(c1);
        byte[] s0s1s2 = new byte[1 + 2 * HANDSHAKE_BYTES];
        s0s1s2[0] = 3;
        byte[] random = new byte[HANDSHAKE_BYTES - 8];
        ThreadLocalRandom.current().nextBytes(random);
        // S1: time, zero (no digest scheme, so clients skip digest checks), random.
        System.arraycopy(random, 0, s0s1s2, 9, random.length);
        System.arraycopy(c1, 0, s0s1s2, 1 + HANDSHAKE_BYTES, HANDSHAKE_BYTES); // S2 echoes C1
        send(s0s1s2);
        phase = Phase.C2;
      }
      case C2 -> {
        if (in.remaining() < HANDSHAKE_BYTES) {
          return;
        }
        in.position(in.position() + HANDSHAKE_BYTES);
        phase = Phase.CHUNKS;
      }
      case CHUNKS -> reader.read(in, this::onMessage);
    }
  }

  private void onMessage(RtmpMessage m) {
    if (closed) {
      return;
    }
    switch (m.type()) {
      case RtmpMessage.COMMAND_AMF0 -> command(Amf0.decodeAll(ByteBuffer.wrap(m.payload())), m);
      case RtmpMessage.COMMAND_AMF3 -> {
        if (m.payload().length < 1) {
          throw new MediaFormatException("RTMP: empty AMF3 command");
        }
        command(Amf0.decodeAll(ByteBuffer.wrap(m.payload(), 1, m.payload().length - 1)), m);
      }
      case RtmpMessage.DATA_AMF0 -> data(Amf0.decodeAll(ByteBuffer.wrap(m.payload())), m);
      case RtmpMessage.DATA_AMF3 -> {
        if (m.payload().length > 1) {
          data(Amf0.decodeAll(ByteBuffer.wrap(m.payload(), 1, m.payload().length - 1)), m);
        }
      }
      case RtmpMessage.AUDIO, RtmpMessage.VIDEO -> media(m);
      case RtmpMessage.WINDOW_ACK_SIZE -> {
        if (m.payload().length >= 4) {
          peerWindow = ByteBuffer.wrap(m.payload()).getInt() & 0x7FFFFFFFL;
        }
      }
      case RtmpMessage.AGGREGATE -> throw new MediaFormatException("RTMP: aggregate messages are not accepted for ingest");
      default -> {
        // chunk size and abort are applied by the reader; acknowledgements, user control
        // (ping responses, buffer length) and peer bandwidth need nothing from us
      }
    }
  }

  private void command(List<Object> values, RtmpMessage m) {
    if (values.isEmpty() || !(values.get(0) instanceof String name)) {
      throw new MediaFormatException("RTMP: a command without a name");
    }
    double txn = values.size() > 1 && values.get(1) instanceof Double d ? d : 0;
    switch (name) {
      case "connect" -> connect(values, txn);
      case "releaseStream", "FCPublish", "getStreamLength", "_checkbw" -> result(txn, null);
      case "createStream" -> result(txn, 1.0);
      case "publish" -> publish(values, txn);
      case "play" -> play(values);
      case "FCUnpublish", "deleteStream", "closeStream" -> {
        if (publisher != null) {
          closeAfterFlush("the publisher stopped (" + name + ")");
        } else if (player) {
          closeAfterFlush("the player stopped (" + name + ")");
        }
      }
      default -> {
        // unknown commands (e.g. vendor extensions) are ignored, as RTMP servers do
      }
    }
  }

  private void connect(List<Object> values, double txn) {
    if (values.size() < 3 || !(values.get(2) instanceof Map<?, ?> props) || !(props.get("app") instanceof String a)) {
      throw new MediaFormatException("RTMP: connect without an app");
    }
    app = a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
    if (!app.equals("live")) {
      sendCommand("_error", txn, null, status("error", "NetConnection.Connect.Rejected",
          "unknown application '" + app + "': publish to rtmp://<node>:<port>/live/<roomId>?token=<hostToken>"));
      closeAfterFlush("connect to unknown application " + app);
      return;
    }
    send(ChunkWriter.encode(CONTROL_CSID, RtmpMessage.WINDOW_ACK_SIZE, 0, 0, int32(SERVER_WINDOW_BYTES), 128));
    byte[] bw = new byte[5];
    ByteBuffer.wrap(bw).putInt(SERVER_WINDOW_BYTES).put((byte) 2);
    send(ChunkWriter.encode(CONTROL_CSID, RtmpMessage.SET_PEER_BANDWIDTH, 0, 0, bw, 128));
    send(ChunkWriter.encode(CONTROL_CSID, RtmpMessage.SET_CHUNK_SIZE, 0, 0, int32(MediaFrame.RTMP_CHUNK_SIZE), 128));
    Map<String, Object> server = new LinkedHashMap<>();
    server.put("fmsVer", "FMS/3,0,1,123");
    server.put("capabilities", 31.0);
    Map<String, Object> info = status("status", "NetConnection.Connect.Success", "Connection succeeded.");
    info.put("objectEncoding", 0.0);
    sendCommand("_result", txn, server, info);
  }

  private void publish(List<Object> values, double txn) {
    if (publisher != null || authorizing || player) {
      throw new MediaFormatException("RTMP: a second publish or play on one connection");
    }
    if (values.size() < 4 || !(values.get(3) instanceof String streamName)) {
      throw new MediaFormatException("RTMP: publish without a stream name");
    }
    StreamName s = StreamName.parse(streamName);
    roomId = s.roomId();
    if (s.error() != null) {
      refusePublish("NetStream.Publish.BadName", s.error());
      return;
    }
    trackKey = s.trackKey();
    authorizing = true;
    String token = s.token();
    loop.server.directory.authorizePublish(roomId, token == null ? "" : token, trackKey)
        .whenComplete((d, e) -> loop.execute(() -> authorized(d, e)));
  }

  private void authorized(MediaDirectory.Decision d, Throwable e) {
    authorizing = false;
    if (closed) {
      return;
    }
    if (e != null) {
      refusePublish("NetStream.Publish.Failed", "cannot check the host token now: " + e.getMessage());
    } else if (!d.ok()) {
      refusePublish(d.verdict() == MediaDirectory.Verdict.FORBIDDEN ? "NetStream.Publish.Unauthorized"
          : "NetStream.Publish.BadName", d.message());
    } else {
      in = in.capacity() >= ChunkReader.MAX_CHUNK_SIZE ? in : grow(in, ChunkReader.MAX_CHUNK_SIZE + 4096);
      publisher = new OriginPublisher(loop.server.hub, loop.server.directory, roomId, trackKey);
      loop.server.publishers.incrementAndGet();
      sendStatus(1, "status", "NetStream.Publish.Start", "Publishing " + roomId + " " + trackKey + ".");
    }
  }

  private void refusePublish(String code, String why) {
    sendStatus(1, "error", code, why);
    closeAfterFlush("publish refused: " + why);
  }

  private void play(List<Object> values) {
    if (publisher != null || authorizing || player) {
      throw new MediaFormatException("RTMP: a second publish or play on one connection");
    }
    if (values.size() < 4 || !(values.get(3) instanceof String streamName)) {
      throw new MediaFormatException("RTMP: play without a stream name");
    }
    StreamName s = StreamName.parse(streamName);
    roomId = s.roomId();
    player = true;
    if (s.error() != null) {
      sendStatus(1, "error", "NetStream.Play.StreamNotFound", s.error());
      closeAfterFlush("play refused: " + s.error());
      return;
    }
    PlayGate.Refused refused = loop.server.gate.check(roomId, s.params(), System.currentTimeMillis());
    if (refused != null) {
      sendStatus(1, "error", "NetStream.Play.Failed", refused.code() + ": " + refused.message());
      closeAfterFlush("play refused: " + refused.code());
      return;
    }
    MediaRoom r = loop.server.hub.existing(roomId);
    if (r != null && r.live()) {
      startPlay(r, s);
      return;
    }
    String id = roomId;
    loop.server.directory.watch(id).whenComplete((d, e) -> loop.execute(() -> {
      if (closed) {
        return;
      }
      if (e != null || !d.ok()) {
        String why = e != null ? "cannot look up room " + id + ": " + e.getMessage() : d.message();
        sendStatus(1, "error", "NetStream.Play.StreamNotFound", why);
        closeAfterFlush("play refused: " + why);
      } else {
        startPlay(loop.server.hub.room(id), s);
      }
    }));
  }

  private void startPlay(MediaRoom r, StreamName s) {
    byte[] begin = new byte[6];
    ByteBuffer.wrap(begin).putShort((short) 0).putInt(MediaFrame.RTMP_PLAY_STREAM); // StreamBegin
    send(ChunkWriter.encode(CONTROL_CSID, RtmpMessage.USER_CONTROL, 0, 0, begin, MediaFrame.RTMP_CHUNK_SIZE));
    sendStatus(MediaFrame.RTMP_PLAY_STREAM, "status", "NetStream.Play.Reset", "Playing and resetting " + roomId + ".");
    sendStatus(MediaFrame.RTMP_PLAY_STREAM, "status", "NetStream.Play.Start", "Started playing " + roomId + ".");
    byte[] access = Amf0.encode("|RtmpSampleAccess", true, true);
    send(ChunkWriter.encode(MediaFrame.RTMP_CSID_DATA, RtmpMessage.DATA_AMF0, MediaFrame.RTMP_PLAY_STREAM, 0, access,
        MediaFrame.RTMP_CHUNK_SIZE));
    play(r, s.camera(), s.layer(), MediaFrame.RTMP);
  }

  private void data(List<Object> values, RtmpMessage m) {
    if (publisher == null) {
      return;
    }
    int i = !values.isEmpty() && "@setDataFrame".equals(values.get(0)) ? 1 : 0;
    if (values.size() > i + 1 && "onMetaData".equals(values.get(i)) && values.get(i + 1) instanceof Map<?, ?> meta) {
      Map<String, Object> clean = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : meta.entrySet()) {
        clean.put(String.valueOf(e.getKey()), e.getValue());
      }
      publisher.frame(Flv.SCRIPT, 0, Amf0.encodeEcmaArray("onMetaData", clean));
    }
  }

  private void media(RtmpMessage m) {
    if (publisher == null) {
      return; // media before the publish was accepted (or after it was refused) is dropped
    }
    byte[] body = m.payload();
    if (body.length == 0) {
      return; // empty tags are keep-alives some encoders send
    }
    if (m.type() == RtmpMessage.VIDEO) {
      Flv.checkVideo(body);
    } else {
      Flv.checkAudio(body);
    }
    publisher.frame(m.type(), m.timestamp(), body);
  }

  private void sendStatus(int streamId, String level, String code, String description) {
    byte[] payload = Amf0.encode("onStatus", 0.0, null, status(level, code, description));
    send(ChunkWriter.encode(COMMAND_CSID + 2, RtmpMessage.COMMAND_AMF0, streamId, 0, payload, MediaFrame.RTMP_CHUNK_SIZE));
  }

  private void result(double txn, Object value) {
    sendCommand("_result", txn, null, value);
  }

  private void sendCommand(String name, double txn, Object props, Object info) {
    byte[] payload = Amf0.encode(name, txn, props, info);
    send(ChunkWriter.encode(COMMAND_CSID, RtmpMessage.COMMAND_AMF0, 0, 0, payload,
        app == null ? 128 : MediaFrame.RTMP_CHUNK_SIZE));
  }

  private static Map<String, Object> status(String level, String code, String description) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("level", level);
    m.put("code", code);
    m.put("description", description);
    return m;
  }

  private static byte[] int32(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }

  @Override
  void onClose() {
    if (publisher != null) {
      publisher.close();
      loop.server.publishers.decrementAndGet();
    }
  }

  /** A stream name as publishers and players send it: {@code <roomId>?token=..&camera=..&layer=..}. */
  record StreamName(String roomId, String token, String camera, String layer, String error,
      Map<String, String> params) {

    TrackKey trackKey() {
      return new TrackKey(camera != null ? camera : TrackKey.DEFAULT_CAMERA, layer != null ? layer : TrackKey.DEFAULT_LAYER);
    }

    static StreamName parse(String name) {
      int q = name.indexOf('?');
      String id = q < 0 ? name : name.substring(0, q);
      Map<String, String> params = QueryString.parse(q < 0 ? "" : name.substring(q + 1));
      String camera = params.get("camera");
      String layer = params.get("layer");
      String error = null;
      if (!ROOM.matcher(id).matches()) {
        error = "stream name must be <roomId>?token=<hostToken>, with a room id of 1..64 of [A-Za-z0-9_-]";
        id = "?";
      } else if ((camera != null && !TrackKey.valid(camera)) || (layer != null && !TrackKey.valid(layer))) {
        error = "camera and layer must be 1..32 of [A-Za-z0-9_-]";
      }
      return new StreamName(id, params.get("token"), camera, layer, error, params);
    }
  }
}
