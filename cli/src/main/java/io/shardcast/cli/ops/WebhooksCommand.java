package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code ops webhooks}: how the deliveries to the back office stand, per subscriber and stream. */
@Command(name = "webhooks", mixinStandardHelpOptions = true,
    description = "Webhook deliveries to each subscriber: delivered, refused, events waiting, the last error and "
        + "the next try.",
    footer = {"", "BEHIND counts the tagged events after the saved offset (some are no webhook): 0 is caught up.",
        "", "Examples:", "  shardcast ops webhooks", "  shardcast ops webhooks -o json"})
final class WebhooksCommand extends OpsAction {

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode doc = client.get("/api/ops/v1/webhooks");
    Output.Table t = new Output.Table("SUBSCRIBER", "STREAM", "DELIVERED", "REFUSED", "BEHIND", "LAST", "LAST ERROR");
    t.note(doc.path("subscribers").size() + " subscribers");
    long now = System.currentTimeMillis();
    for (JsonNode s : doc.path("subscribers")) {
      for (JsonNode st : s.path("streams")) {
        String last = st.hasNonNull("lastId") ? st.path("lastId").asText() + " ("
            + OpsViewsText.relative(st.path("lastAt").asLong(), now) + ")" : "-";
        String error = st.hasNonNull("lastError") ? st.path("lastError").asText() + " ("
            + OpsViewsText.relative(st.path("lastErrorAt").asLong(), now) + ")"
            + (st.hasNonNull("nextAttemptAt") ? ", next try " + OpsViewsText.relative(st.path("nextAttemptAt").asLong(),
                now) : "") : "-";
        t.row(s.path("name").asText(), st.path("stream").asText(), OpsViewsText.text(st, "delivered"),
            OpsViewsText.text(st, "refused"), OpsViewsText.text(st, "behind"), last, error);
      }
    }
    Output.print(out, options.format, doc, t);
  }
}
