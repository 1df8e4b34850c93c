package io.shardcast.k8s.control;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a {@code coordination.k8s.io/v1} Lease, so that of several operator replicas
 * exactly one acts: the holder renews the lease every try; another takes it over only once the
 * holder has not renewed it for the lease's duration; a write raced by another replica fails with
 * 409 (the lease's resourceVersion) and counts as not held. A leader that cannot renew within the
 * renew deadline stops acting before its lease can expire, so two never act at once.
 */
public final class LeaderElection {

  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /** What one try does, given the lease as read. */
  enum Move { CREATE, RENEW, TAKE_OVER, FOLLOW }

  private final CoordinationV1Api api;
  private final String namespace;
  private final String name;
  private final String identity;
  private final Duration leaseDuration;
  private final Duration renewDeadline;
  private final LongSupplier clockMillis;
  private volatile long renewedAtMillis = -1;
  private volatile String holder;

  public LeaderElection(ApiClient client, String namespace, String name, String identity, Duration leaseDuration,
      Duration renewDeadline, LongSupplier clockMillis) {
    if (renewDeadline.compareTo(leaseDuration) >= 0) {
      throw new IllegalArgumentException("the renew deadline must be shorter than the lease duration");
    }
    this.api = new CoordinationV1Api(client);
    this.namespace = namespace;
    this.name = name;
    this.identity = identity;
    this.leaseDuration = leaseDuration;
    this.renewDeadline = renewDeadline;
    this.clockMillis = clockMillis;
  }

  static Move decide(V1Lease lease, String identity, long nowMillis) {
    if (lease == null) {
      return Move.CREATE;
    }
    V1LeaseSpec spec = lease.getSpec();
    if (spec == null || spec.getHolderIdentity() == null || spec.getHolderIdentity().isEmpty()) {
      return Move.TAKE_OVER;
    }
    if (spec.getHolderIdentity().equals(identity)) {
      return Move.RENEW;
    }
    long renewed = spec.getRenewTime() == null ? 0 : spec.getRenewTime().toInstant().toEpochMilli();
    int seconds = spec.getLeaseDurationSeconds() == null ? 15 : spec.getLeaseDurationSeconds();
    return nowMillis - renewed > seconds * 1000L ? Move.TAKE_OVER : Move.FOLLOW;
  }

  /**
   * One try to acquire or renew the lease.
   *
   * @return whether this replica leads now
   */
  public boolean tryAcquireOrRenew() {
    long now = clockMillis.getAsLong();
    try {
      V1Lease lease;
      try {
        lease = api.readNamespacedLease(name, namespace).execute();
      } catch (ApiException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        lease = null;
      }
      Move move = decide(lease, identity, now);
      OffsetDateTime at = OffsetDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC);
      switch (move) {
        case CREATE -> api.createNamespacedLease(namespace, new V1Lease().apiVersion("coordination.k8s.io/v1")
            .kind("Lease").metadata(new V1ObjectMeta().name(name).namespace(namespace))
            .spec(spec(at, at, 0))).execute();
        case RENEW -> {
          lease.getSpec().renewTime(at).leaseDurationSeconds((int) leaseDuration.toSeconds());
          api.replaceNamespacedLease(name, namespace, lease).execute();
        }
        case TAKE_OVER -> {
          int transitions = lease.getSpec() == null || lease.getSpec().getLeaseTransitions() == null ? 0
              : lease.getSpec().getLeaseTransitions();
          lease.spec(spec(at, at, transitions + 1));
          api.replaceNamespacedLease(name, namespace, lease).execute();
        }
        case FOLLOW -> {
          holder = lease.getSpec().getHolderIdentity();
          renewedAtMillis = -1;
          return false;
        }
        default -> throw new IllegalStateException(move.name());
      }
      if (move != Move.RENEW) {
        log.info("operator {} now leads (lease {}/{})", identity, namespace, name);
      }
      holder = identity;
      renewedAtMillis = now;
      return true;
    } catch (ApiException e) {
      if (e.getCode() == 409) {
        log.debug("lease {}/{}: another replica wrote it first", namespace, name);
      } else {
        log.warn("lease {}/{}: {} {}", namespace, name, e.getCode(), e.getMessage());
      }
      return leading();
    }
  }

  /** Whether this replica renewed the lease within the renew deadline: it may act. */
  public boolean leading() {
    long renewed = renewedAtMillis;
    return renewed >= 0 && clockMillis.getAsLong() - renewed < renewDeadline.toMillis();
  }

  /** The holder as last read; null before the first try. */
  public String holder() {
    return holder;
  }

  public String identity() {
    return identity;
  }

  private V1LeaseSpec spec(OffsetDateTime acquired, OffsetDateTime renewed, int transitions) {
    return new V1LeaseSpec().holderIdentity(identity).leaseDurationSeconds((int) leaseDuration.toSeconds())
        .acquireTime(acquired).renewTime(renewed).leaseTransitions(transitions);
  }
}
