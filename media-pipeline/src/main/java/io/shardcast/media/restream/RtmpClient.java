package io.shardcast.media.restream;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.amf.Amf0;
import io.shardcast.media.flv.Flv;
import io.shardcast.media.format.MediaFormatException;
import io.shardcast.media.rtmp.ChunkReader;
import io.shardcast.media.rtmp.ChunkWriter;
import io.shardcast.media.rtmp.RtmpMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One connection publishing to an RTMP server, as an encoder does: the handshake, {@code connect}
 * to the URL's application, {@code releaseStream}/{@code FCPublish}/{@code createStream}, then
 * {@code publish} of the stream key; then the room's frames as RTMP messages. Over TLS for
 * {@code rtmps://} (the JDK's, with the platform's certificate checked). The server's pings are
 * answered and its window acknowledged; what it says otherwise is read and dropped.
 */
final class RtmpClient implements AutoCloseable {

  /** The server refused the stream (a wrong key, a name in use): retrying at once would not help. */
  static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  private static final int HANDSHAKE_BYTES = 1536;
  private static final int MAX_MESSAGE_BYTES = 1 << 20;
  private static final int COMMAND_CSID = 3;
  private static final int STREAM_CSID = 8;
  private static final int CONTROL_CSID = 2;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ChunkReader reader = new ChunkReader(MAX_MESSAGE_BYTES);
  private final ByteBuffer inBuffer = ByteBuffer.allocate(ChunkReader.MAX_CHUNK_SIZE + ChunkReader.MAX_HEADER_BYTES);
  private final List<RtmpMessage> received = new ArrayList<>();
  /** Each frame's chunks, on their way to the socket. */
  private ByteBuffer encoded = ByteBuffer.allocate(64 * 1024);
  private int streamId;
  private long bytesIn;
  private long ackWindow = 2_500_000;
  private long ackedAt;
  private long bytesOut;

  private RtmpClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code url} and publishes its stream key: ready for {@link #send}. */
  static RtmpClient publish(RtmpUrl url, int timeoutMillis) throws IOException {
    Socket s = new Socket();
    RtmpClient c = null;
    try {
      s.connect(new InetSocketAddress(url.host(), url.port()), timeoutMillis);
      s.setTcpNoDelay(true);
      s.setSoTimeout(timeoutMillis);
      if (url.tls()) {
        SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, url.host(),
            url.port(), true);
        var params = tls.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the platform's name is checked, not only its chain
        tls.setSSLParameters(params);
        tls.startHandshake();
        s = tls;
      }
      c = new RtmpClient(s);
      c.handshake();
      c.start(url);
      return c;
    } catch (IOException | RuntimeException e) {
      if (c != null) {
        c.close();
      } else {
        s.close();
      }
      throw e;
    }
  }

  private void handshake() throws IOException {
    byte[] c0c1 = new byte[1 + HANDSHAKE_BYTES];
    c0c1[0] = 3;
    new SecureRandom().nextBytes(c0c1);
    c0c1[0] = 3;
    for (int i = 1; i < 9; i++) {
      c0c1[i] = 0; // time and zero fields of C1
    }
    out.write(c0c1);
    out.flush();
    byte[] s0s1s2 = in.readNBytes(1 + 2 * HANDSHAKE_BYTES);
    if (s0s1s2.length < 1 + 2 * HANDSHAKE_BYTES) {
      throw new IOException("the server closed the connection during the RTMP handshake");
    }
    if (s0s1s2[0] != 3) {
      throw new IOException("the server speaks RTMP version " + (s0s1s2[0] & 0xFF) + ", not 3");
    }
    out.write(s0s1s2, 1, HANDSHAKE_BYTES); // C2 echoes S1
    out.flush();
  }

  private void start(RtmpUrl url) throws IOException {
    writeMessage(ChunkWriter.encode(CONTROL_CSID, RtmpMessage.SET_CHUNK_SIZE, 0, 0, int32(MediaFrame.RTMP_CHUNK_SIZE),
        128));
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("app", url.app());
    props.put("type", "nonprivate");
    props.put("flashVer", "FMLE/3.0 (compatible; Shardcast)");
    props.put("tcUrl", url.tcUrl());
    command(0, "connect", 1, props);
    expectResult(1, "connect to " + url);
    command(0, "releaseStream", 2, null, url.streamKey());
    command(0, "FCPublish", 3, null, url.streamKey());
    command(0, "createStream", 4, (Object) null);
    List<Object> created = expectResult(4, "createStream");
    if (created.size() < 4 || !(created.get(3) instanceof Double id) || id < 1 || id > 0xFFFF) {
      throw new IOException("createStream answered without a stream id: " + created);
    }
    streamId = id.intValue();
    command(streamId, "publish", 5, null, url.streamKey(), "live");
    awaitPublishStart();
  }

  /** Sends a command message (AMF0) on {@code messageStream}. */
  private void command(int messageStream, String name, double txn, Object... args) throws IOException {
    Object[] values = new Object[2 + args.length];
    values[0] = name;
    values[1] = txn;
    System.arraycopy(args, 0, values, 2, args.length);
    writeMessage(ChunkWriter.encode(messageStream == 0 ? COMMAND_CSID : STREAM_CSID, RtmpMessage.COMMAND_AMF0,
        messageStream, 0, Amf0.encode(values), MediaFrame.RTMP_CHUNK_SIZE));
  }

  /** Reads until the answer to {@code txn}: its values, or an IOException naming {@code what} on _error. */
  private List<Object> expectResult(double txn, String what) throws IOException {
    while (true) {
      for (RtmpMessage m : readMessages()) {
        List<Object> values = commandValues(m);
        if (values.size() >= 2 && values.get(1) instanceof Double t && t == txn) {
          if ("_result".equals(values.get(0))) {
            return values;
          }
          throw new Refused(what + " refused: " + describe(values));
        }
      }
    }
  }

  /** Reads until onStatus says the publish started; a refusal (or the server hanging up) is {@link Refused}. */
  private void awaitPublishStart() throws IOException {
    while (true) {
      List<RtmpMessage> messages;
      try {
        messages = readMessages();
      } catch (java.io.EOFException e) {
        throw new Refused("the server closed the connection at publish: the stream key was refused");
      }
      for (RtmpMessage m : messages) {
        List<Object> values = commandValues(m);
        if (values.isEmpty()) {
          continue;
        }
        if ("onStatus".equals(values.get(0))) {
          String code = statusCode(values);
          if ("NetStream.Publish.Start".equals(code)) {
            return;
          }
          if (code.startsWith("NetStream.Publish.")) {
            throw new Refused("publish refused: " + describe(values));
          }
        } else if ("_error".equals(values.get(0)) && values.size() >= 2 && Double.valueOf(5).equals(values.get(1))) {
          throw new Refused("publish refused: " + describe(values));
        }
      }
    }
  }

  /** Sends one frame of the room on the stream the server gave (encoded into a buffer kept for the next). */
  void send(MediaFrame f) throws IOException {
    int csid = f.kind == Flv.VIDEO ? MediaFrame.RTMP_CSID_VIDEO
        : f.kind == Flv.AUDIO ? MediaFrame.RTMP_CSID_AUDIO : MediaFrame.RTMP_CSID_DATA;
    int n = ChunkWriter.encodedLength(csid, f.timestamp, f.body.length, MediaFrame.RTMP_CHUNK_SIZE);
    if (encoded.capacity() < n) {
      encoded = ByteBuffer.allocate(Math.max(n, encoded.capacity() * 2));
    }
    encoded.clear();
    ChunkWriter.write(encoded, csid, f.kind, streamId, f.timestamp, f.body, MediaFrame.RTMP_CHUNK_SIZE);
    out.write(encoded.array(), 0, encoded.position());
    bytesOut += n;
  }

  /** Sends what was written and answers whatever the server said meanwhile (pings, its window). */
  void flush() throws IOException {
    out.flush();
    while (in.available() > 0) {
      readMessages();
    }
  }

  long bytesOut() {
    return bytesOut;
  }

  /** Ends the publish politely (FCUnpublish, deleteStream), then the connection. */
  void unpublish(String streamKey) {
    try {
      command(0, "FCUnpublish", 6, null, streamKey);
      command(0, "deleteStream", 7, null, (double) streamId);
      out.flush();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /** Reads what the socket has (at least one read), answering control messages; the messages read. */
  private List<RtmpMessage> readMessages() throws IOException {
    received.clear();
    int n;
    try {
      n = in.read(inBuffer.array(), inBuffer.position(), inBuffer.remaining());
    } catch (SocketTimeoutException e) {
      throw new IOException("the server said nothing for " + socket.getSoTimeout() + " ms");
    }
    if (n < 0) {
      throw new java.io.EOFException("the server closed the connection");
    }
    inBuffer.position(inBuffer.position() + n);
    bytesIn += n;
    inBuffer.flip();
    try {
      reader.read(inBuffer, received::add);
    } catch (MediaFormatException e) {
      throw new IOException("the server sent malformed RTMP: " + e.getMessage());
    }
    inBuffer.compact();
    for (RtmpMessage m : received) {
      control(m);
    }
    if (bytesIn - ackedAt >= ackWindow) {
      ackedAt = bytesIn;
      writeMessage(ChunkWriter.encode(CONTROL_CSID, RtmpMessage.ACKNOWLEDGEMENT, 0, 0, int32((int) bytesIn), 128));
    }
    return received;
  }

  private void control(RtmpMessage m) throws IOException {
    byte[] p = m.payload();
    if (m.type() == RtmpMessage.WINDOW_ACK_SIZE && p.length >= 4) {
      ackWindow = Math.max(1, ByteBuffer.wrap(p).getInt() & 0xFFFFFFFFL);
    } else if (m.type() == RtmpMessage.USER_CONTROL && p.length >= 6 && p[0] == 0 && p[1] == 6) {
      byte[] pong = new byte[6];
      pong[1] = 7; // ping response, echoing the ping's time
      System.arraycopy(p, 2, pong, 2, 4);
      writeMessage(ChunkWriter.encode(CONTROL_CSID, RtmpMessage.USER_CONTROL, 0, 0, pong, MediaFrame.RTMP_CHUNK_SIZE));
    }
  }

  private void writeMessage(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    bytesOut += bytes.length;
  }

  private static List<Object> commandValues(RtmpMessage m) {
    if (m.type() != RtmpMessage.COMMAND_AMF0) {
      return List.of();
    }
    try {
      return Amf0.decodeAll(ByteBuffer.wrap(m.payload()));
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private static String statusCode(List<Object> values) {
    for (Object v : values) {
      if (v instanceof Map<?, ?> info && info.get("code") instanceof String code) {
        return code;
      }
    }
    return "";
  }

  private static String describe(List<Object> values) {
    for (Object v : values) {
      if (v instanceof Map<?, ?> info && info.get("code") != null) {
        return info.get("code") + (info.get("description") != null ? " (" + info.get("description") + ")" : "");
      }
    }
    return values.isEmpty() ? "no reason given" : String.valueOf(values.get(0));
  }

  private static byte[] int32(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }
}
