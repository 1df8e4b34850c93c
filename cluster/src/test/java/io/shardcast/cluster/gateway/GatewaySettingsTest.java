package io.shardcast.cluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.shardcast.cluster.ShardcastNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a node's viewers connect and what a viewer may send, from the node's settings. */
class GatewaySettingsTest {

  private static GatewaySettings with(Map<String, Object> overrides) {
    return GatewaySettings.from(ShardcastNode.config(ConfigFactory.parseMap(overrides)));
  }

  @Test
  void viewersConnectAHundredPortsAboveTheGatewayUnlessAPortOrAnotherOffsetIsSet() {
    assertEquals(8180, with(Map.of("shardcast.gateway.port", 8080)).viewerPort());
    assertEquals(0, with(Map.of("shardcast.gateway.port", 0)).viewerPort(), "an ephemeral gateway: ephemeral viewers");
    assertEquals(9080, with(Map.of("shardcast.gateway.port", 8080, "shardcast.gateway.viewer-port-offset", 1000))
        .viewerPort());
    assertEquals(9999, with(Map.of("shardcast.gateway.port", 8080, "shardcast.gateway.viewer-port", 9999))
        .viewerPort(), "a viewer port set is used as it is");
  }

  @Test
  void aViewerMaySendUpTo100LikesAnd999GiftsInOneMessage() {
    GatewaySettings s = with(Map.of());
    assertEquals(100, s.maxLikesPerMessage());
    assertEquals(999, s.maxGiftsPerMessage());
    assertEquals(50, with(Map.of("shardcast.gateway.max-gifts-per-message", 50)).maxGiftsPerMessage());
  }
}
