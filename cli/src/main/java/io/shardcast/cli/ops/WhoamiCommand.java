package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code ops whoami}: who the token is to the cluster, and what it may do: a check of a token before a sale night. */
@Command(name = "whoami", mixinStandardHelpOptions = true,
    description = "Who the ops token is to the cluster, and its scopes.",
    footer = {"", "Examples:", "  SHARDCAST_OPS_TOKEN=... shardcast ops whoami"})
final class WhoamiCommand extends OpsAction {

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode doc = client.get("/api/ops/v1/whoami");
    java.util.List<String> scopes = new java.util.ArrayList<>();
    doc.path("scopes").forEach(s -> scopes.add(s.asText()));
    Output.print(out, options.format, doc, new Output.Table("IDENTITY", "SCOPES")
        .row(doc.path("identity").asText(), String.join(" ", scopes)));
  }
}
