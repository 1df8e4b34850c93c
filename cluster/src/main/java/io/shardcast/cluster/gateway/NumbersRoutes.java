package io.shardcast.cluster.gateway;

import io.shardcast.cluster.numbers.RoomNumbers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.ContentDisposition;
import org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A room's numbers per platform ({@link RoomNumbers}), answered by any node from the journal's
 * database once the caller is known to be the room's host or an operator: JSON, or one table as CSV
 * ({@code ?format=csv&table=timeline|platforms|products|sales}, a file to download).
 */
public final class NumbersRoutes extends AllDirectives {

  private final RoomNumbers numbers;
  private final Executor blocking;

  public NumbersRoutes(ActorSystem<?> system, RoomNumbers numbers) {
    this.numbers = numbers;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  /** The answer for room {@code roomId}, as the query asks. */
  public Route numbers(String roomId) {
    return parameterOptional("format", format -> parameterOptional("table", table -> {
      boolean csv = format.map("csv"::equals).orElse(false);
      if (format.isPresent() && !csv && !format.get().equals("json")) {
        return reply(JsonReply.error(400, "BAD_REQUEST", "format is json or csv"));
      }
      String t = table.orElse("timeline");
      if (csv && !RoomNumbers.TABLES.contains(t)) {
        return reply(JsonReply.error(400, "BAD_REQUEST", "table is one of " + RoomNumbers.TABLES));
      }
      CompletionStage<HttpResponse> answer = CompletableFuture.supplyAsync(() -> {
        try {
          if (!csv) {
            return response(JsonReply.ok(numbers.json(roomId)));
          }
          return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_CSV_UTF8,
              numbers.csv(roomId, t))).addHeader(ContentDisposition.create(ContentDispositionTypes.ATTACHMENT,
              java.util.Map.of("filename", roomId + "-" + t + ".csv")));
        } catch (java.sql.SQLException e) {
          return response(JsonReply.error(503, "DATABASE", "the numbers are in the journal's database, which did "
              + "not answer: " + e.getMessage()));
        }
      }, blocking);
      return completeWithFuture(answer);
    }));
  }

  private Route reply(JsonReply r) {
    return complete(response(r));
  }

  private static HttpResponse response(JsonReply r) {
    return HttpResponse.create().withStatus(r.status())
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, r.body()));
  }
}
