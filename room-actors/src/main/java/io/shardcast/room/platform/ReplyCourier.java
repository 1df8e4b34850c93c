package io.shardcast.room.platform;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the host's replies to the platforms' relays: an HTTP POST of the reply, signed with the
 * destination's chat secret ({@link PlatformSignature}) and with an {@code Idempotency-Key} the
 * relay can drop a repeat by. A relay that answers 2xx has it; 4xx (but 408 and 429) is the relay
 * refusing it, logged and not retried; anything else, or no answer within 10 s, is retried from 1 s
 * doubling to 60 s for up to 15 minutes. A reply in flight lives on this node: it is lost if the
 * node is.
 */
public final class ReplyCourier implements Extension {

  private static final Logger log = LoggerFactory.getLogger(ReplyCourier.class);

  /** A reply for one destination: its body is signed again at each try, with that try's time. */
  public record Delivery(String roomId, String destinationId, String url, String secret, byte[] body,
      String idempotencyKey) {
    @Override
    public String toString() {
      return "reply " + idempotencyKey + " to " + destinationId + " at " + url; // never the secret
    }
  }

  static final long FIRST_RETRY_MILLIS = 1_000;
  static final long MAX_RETRY_MILLIS = 60_000;
  static final long GIVE_UP_AFTER_MILLIS = 15 * 60_000;

  private static final class Id extends ExtensionId<ReplyCourier> {
    @Override
    public ReplyCourier createExtension(ActorSystem<?> system) {
      ReplyCourier courier = new ReplyCourier();
      system.getWhenTerminated().thenRun(courier.retries::shutdownNow);
      return courier;
    }
  }

  private static final Id ID = new Id();

  public static ReplyCourier get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "shardcast-reply-courier");
    t.setDaemon(true);
    return t;
  });

  private ReplyCourier() {}

  /** Sends {@code delivery} now, and again until the relay has it or 15 minutes have passed. */
  public void send(Delivery delivery) {
    attempt(delivery, 1, System.currentTimeMillis(), FIRST_RETRY_MILLIS);
  }

  private void attempt(Delivery d, int attempt, long firstAtMillis, long nextDelayMillis) {
    long ts = System.currentTimeMillis() / 1000;
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(d.url())).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .header(PlatformSignature.DESTINATION_HEADER, d.destinationId())
          .header(PlatformSignature.TIMESTAMP_HEADER, Long.toString(ts))
          .header(PlatformSignature.SIGNATURE_HEADER,
              PlatformSignature.sign(d.secret(), d.roomId(), d.destinationId(), ts, d.body()))
          .header(PlatformSignature.IDEMPOTENCY_HEADER, d.idempotencyKey())
          .POST(HttpRequest.BodyPublishers.ofByteArray(d.body())).build();
    } catch (IllegalArgumentException e) {
      log.warn("room {}: {} not sent: {}", d.roomId(), d, e.getMessage());
      return;
    }
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
      int status = failure == null ? response.statusCode() : -1;
      if (status >= 200 && status < 300) {
        if (attempt > 1) {
          log.info("room {}: {} delivered at try {}", d.roomId(), d, attempt);
        }
        return;
      }
      String why = failure != null ? failure.toString() : "HTTP " + status;
      if (status >= 400 && status < 500 && status != 408 && status != 429) {
        log.warn("room {}: {} refused by the relay ({}); not retried", d.roomId(), d, why);
        return;
      }
      if (System.currentTimeMillis() + nextDelayMillis - firstAtMillis > GIVE_UP_AFTER_MILLIS) {
        log.warn("room {}: {} given up after {} tries: {}", d.roomId(), d, attempt, why);
        return;
      }
      log.info("room {}: {} failed at try {} ({}); again in {} ms", d.roomId(), d, attempt, why, nextDelayMillis);
      try {
        retries.schedule(() -> attempt(d, attempt + 1, firstAtMillis, Math.min(MAX_RETRY_MILLIS, nextDelayMillis * 2)),
            nextDelayMillis, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        log.info("room {}: {} dropped: the node is stopping", d.roomId(), d);
      }
    });
  }
}
