package io.shardcast.cluster.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.cluster.journal.ProjectionOffsets;
import io.shardcast.cluster.journal.ProjectionOffsets.Progress;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The webhook deliveries as the ops API shows them ({@code GET /api/ops/v1/webhooks}), read from the
 * offsets table, so any node answers for all: per subscriber and stream, how far it is, how many
 * events wait behind it, what it delivered and refused, and the last error with the next try.
 */
public final class WebhookStatus {

  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookStatus() {}

  public static ObjectNode render(WebhookSettings settings, ProjectionOffsets offsets) throws SQLException {
    Map<String, Progress> saved = new HashMap<>();
    for (Progress p : offsets.all("webhook:")) {
      saved.put(p.projection() + " " + p.stream(), p);
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode list = out.putArray("subscribers");
    for (WebhookSettings.Subscriber s : settings.subscribers()) {
      ObjectNode n = list.addObject().put("name", s.name()).put("url", s.url());
      ArrayNode types = n.putArray("events");
      (s.events().isEmpty() ? WebhookEvents.TYPES : List.copyOf(s.events())).forEach(types::add);
      long delivered = 0;
      long refused = 0;
      long behind = 0;
      ArrayNode streams = n.putArray("streams");
      for (String tag : WebhookStream.tags()) {
        Progress p = saved.getOrDefault(WebhookStream.projection(s) + " " + tag,
            Progress.start(WebhookStream.projection(s), tag));
        long waiting = offsets.taggedAfter(tag, p.ordering());
        delivered += p.done();
        refused += p.refused();
        behind += waiting;
        ObjectNode st = streams.addObject().put("stream", tag).put("offset", p.ordering()).put("delivered", p.done())
            .put("refused", p.refused()).put("behind", waiting);
        if (p.lastId() != null) {
          st.put("lastId", p.lastId()).put("lastAt", p.lastAtMillis());
        }
        if (p.lastError() != null) {
          st.put("lastError", p.lastError()).put("lastErrorAt", p.lastErrorAtMillis());
        }
        if (p.nextAttemptAtMillis() > 0) {
          st.put("nextAttemptAt", p.nextAttemptAtMillis());
        }
      }
      // "behind" counts tagged events, some of which are no webhook (comments, likes): an upper bound.
      n.put("delivered", delivered).put("refused", refused).put("behind", behind);
    }
    return out;
  }
}
