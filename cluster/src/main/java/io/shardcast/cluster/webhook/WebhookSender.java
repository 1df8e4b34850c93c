package io.shardcast.cluster.webhook;

import io.shardcast.room.platform.PlatformSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * POSTs one delivery to a subscriber, signed as a platform relay's requests are
 * ({@link PlatformSignature}, with the subscriber's name in the destination's place) and carrying
 * its id as {@code Idempotency-Key}. Answers the status, or the failure as text.
 */
final class WebhookSender {

  static final String EVENT_HEADER = "Shardcast-Event";
  static final String SUBSCRIBER_HEADER = "Shardcast-Subscriber";

  /** A delivery's outcome: {@code status} -1 when there was no answer ({@code failure} says why). */
  record Outcome(int status, String failure) {
    boolean delivered() {
      return status >= 200 && status < 300;
    }

    /** The subscriber refused the event itself: retrying cannot help. */
    boolean refused() {
      return status >= 400 && status < 500 && status != 408 && status != 429;
    }

    String describe() {
      return failure != null ? failure : "HTTP " + status;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final Duration timeout;

  WebhookSender(Duration timeout) {
    this.timeout = timeout;
  }

  CompletionStage<Outcome> post(WebhookSettings.Subscriber s, String roomId, String id, String type, byte[] body) {
    long ts = System.currentTimeMillis() / 1000;
    HttpRequest request = HttpRequest.newBuilder(URI.create(s.url())).timeout(timeout)
        .header("Content-Type", "application/json")
        .header(SUBSCRIBER_HEADER, s.name())
        .header(EVENT_HEADER, type)
        .header(PlatformSignature.IDEMPOTENCY_HEADER, id)
        .header(PlatformSignature.TIMESTAMP_HEADER, Long.toString(ts))
        .header(PlatformSignature.SIGNATURE_HEADER, PlatformSignature.sign(s.secret(), roomId, s.name(), ts, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle((r, failure) -> failure == null ? new Outcome(r.statusCode(), null)
            : new Outcome(-1, failure.getCause() != null ? failure.getCause().toString() : failure.toString()));
  }
}
