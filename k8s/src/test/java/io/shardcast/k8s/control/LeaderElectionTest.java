package io.shardcast.k8s.control;

import static org.junit.jupiter.api.Assertions.*;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.util.ClientBuilder;
import io.shardcast.autoscaler.scaler.ApiServerEmulation;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two operator replicas electing a leader on a Lease in the emulated API server, on a clock the test moves. */
class LeaderElectionTest {

  KubernetesMockServer server;
  ApiServerEmulation api;
  ApiClient client;
  long now = 1_800_000_000_000L;

  @BeforeEach
  void start() {
    api = new ApiServerEmulation(List.of());
    server = api.start(false);
    client = new ClientBuilder().setBasePath(server.url("/").replaceAll("/$", "")).build();
  }

  @AfterEach
  void stop() {
    server.destroy();
  }

  LeaderElection replica(String id) {
    return new LeaderElection(client, "live", "shardcast-operator", id, Duration.ofSeconds(15), Duration.ofSeconds(10),
        () -> now);
  }

  @Test
  void oneReplicaLeadsTheOtherTakesOverOnlyAfterTheLeaseRanOut() {
    LeaderElection a = replica("operator-a");
    LeaderElection b = replica("operator-b");
    assertTrue(a.tryAcquireOrRenew(), "the first replica creates the lease");
    assertFalse(b.tryAcquireOrRenew(), "the second follows");
    assertEquals("operator-a", b.holder());

    now += 5_000;
    assertTrue(a.tryAcquireOrRenew(), "the leader renews");
    now += 14_000;
    assertFalse(b.tryAcquireOrRenew(), "renewed 14 s ago: still a's");

    // a stops renewing (its process hangs). It stops acting at its renew deadline, before b may take over.
    now += 1_000;
    assertFalse(a.leading(), "10 s without a renewal: a no longer acts");
    assertFalse(b.tryAcquireOrRenew(), "15 s: not yet over");
    now += 1_000;
    assertTrue(b.tryAcquireOrRenew(), "the lease ran out: b takes over");
    assertFalse(a.tryAcquireOrRenew(), "a, back, follows b");
    assertEquals("operator-b", a.holder());
  }

  @Test
  void aRaceForTheLeaseIsWonByOneReplica() throws Exception {
    LeaderElection a = replica("operator-a");
    assertTrue(a.tryAcquireOrRenew());
    // b read the lease before a's renewal and writes with the old resourceVersion: 409, not leading.
    CoordinationV1Api coordination = new CoordinationV1Api(client);
    V1Lease stale = coordination.readNamespacedLease("shardcast-operator", "live").execute();
    now += 20_000;
    assertTrue(a.tryAcquireOrRenew());
    stale.spec(new V1LeaseSpec().holderIdentity("operator-b").renewTime(OffsetDateTime.now()).leaseDurationSeconds(15));
    int code = 0;
    try {
      coordination.replaceNamespacedLease("shardcast-operator", "live", stale).execute();
    } catch (io.kubernetes.client.openapi.ApiException e) {
      code = e.getCode();
    }
    assertEquals(409, code, "a write on a stale lease is refused");
    assertEquals("operator-a", coordination.readNamespacedLease("shardcast-operator", "live").execute().getSpec()
        .getHolderIdentity());
  }

  @Test
  void anUnreachableApiServerEndsLeadershipAtTheRenewDeadline() {
    LeaderElection a = replica("operator-a");
    assertTrue(a.tryAcquireOrRenew());
    api.failWith = 503;
    now += 5_000;
    assertTrue(a.tryAcquireOrRenew(), "within the deadline it still leads");
    now += 6_000;
    assertFalse(a.tryAcquireOrRenew(), "past it, it stops acting");
  }
}
