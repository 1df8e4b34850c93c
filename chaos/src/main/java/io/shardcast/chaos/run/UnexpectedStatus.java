package io.shardcast.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.testkit.load.RestClient;
import java.io.IOException;

/** An HTTP answer other than the one a harness request expected. */
final class UnexpectedStatus extends IOException {

  final int status;

  UnexpectedStatus(String url, int status, String body) {
    super(url + ": HTTP " + status + " " + body);
    this.status = status;
  }

  /** {@code r}'s body when its status is {@code expected}; otherwise this exception. */
  static JsonNode require(String url, RestClient.Response r, int expected) throws UnexpectedStatus {
    if (r.status() != expected) {
      throw new UnexpectedStatus(url, r.status(), r.body().toString());
    }
    return r.body();
  }
}
