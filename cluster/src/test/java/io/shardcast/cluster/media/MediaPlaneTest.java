package io.shardcast.cluster.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shardcast.cluster.ShardcastNode;
import io.shardcast.media.serve.MediaSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a node's media listeners and relay bind when their ports are left to the node. */
class MediaPlaneTest {

  private static Config config(Map<String, Object> overrides) {
    return ShardcastNode.config(ConfigFactory.parseMap(overrides));
  }

  private static MediaSettings ports(Map<String, Object> overrides, int gatewayPort) {
    Config c = config(overrides);
    return MediaPlane.withNodePorts(MediaSettings.from(c), c.getConfig("shardcast.media"), gatewayPort);
  }

  @Test
  void mediaHttpRtpAndWebRtcAreTwoThreeAndFourHundredPortsAboveAFixedGatewayPort() {
    MediaSettings s = ports(Map.of(), 8080);
    assertEquals(8280, s.httpPort());
    assertEquals(8380, s.rtpPort());
    assertEquals(8480, s.webrtcPort());
    assertEquals(1935, s.rtmpPort(), "RTMP keeps its own port");
    MediaSettings ephemeral = ports(Map.of(), 0);
    assertEquals(0, ephemeral.httpPort(), "an ephemeral gateway: ephemeral media ports");
    assertEquals(0, ephemeral.rtpPort());
    assertEquals(0, ephemeral.webrtcPort());
    MediaSettings set = ports(Map.of("shardcast.media.http-port", 9000, "shardcast.media.rtp-port-offset", 500), 8080);
    assertEquals(9000, set.httpPort(), "a port set is used as it is");
    assertEquals(8580, set.rtpPort());
    assertEquals(8480, set.webrtcPort(), "the other offsets stay");
    assertEquals(9100, ports(Map.of("shardcast.media.webrtc-port", 9100), 8080).webrtcPort());
  }

  @Test
  void theRelayIsAThousandPortsAboveTheArteryPortUnlessSet() {
    assertEquals(26520, MediaPlane.relayPort(config(Map.of("pekko.remote.artery.canonical.port", 25520))));
    assertEquals(25620, MediaPlane.relayPort(config(Map.of("pekko.remote.artery.canonical.port", 25520,
        "shardcast.media.relay-port-offset", 100))));
    assertEquals(40000, MediaPlane.relayPort(config(Map.of("shardcast.media.relay-port", 40000))));
  }
}
