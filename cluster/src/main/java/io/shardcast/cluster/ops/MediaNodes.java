package io.shardcast.cluster.ops;

import io.shardcast.cluster.media.MediaInspector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/** Every node's {@link MediaInspector}, asked together; a node that does not answer in time is left out. */
final class MediaNodes {

  private final ActorSystem<?> system;
  private final Duration timeout;

  MediaNodes(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
  }

  CompletionStage<List<MediaInspector.NodeMedia>> inspect(String roomId) {
    CompletionStage<Receptionist.Listing> listing = AskPattern.ask(system.receptionist(),
        r -> Receptionist.find(MediaInspector.KEY, r), timeout, system.scheduler());
    return listing.thenCompose(l -> {
      Set<ActorRef<MediaInspector.Inspect>> inspectors = l.getServiceInstances(MediaInspector.KEY);
      List<CompletableFuture<MediaInspector.NodeMedia>> asks = new ArrayList<>();
      for (ActorRef<MediaInspector.Inspect> i : inspectors) {
        asks.add(AskPattern.<MediaInspector.Inspect, MediaInspector.NodeMedia>ask(i,
            r -> new MediaInspector.Inspect(roomId, r), timeout, system.scheduler())
            .handle((m, failure) -> m).toCompletableFuture());
      }
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
        List<MediaInspector.NodeMedia> out = new ArrayList<>();
        for (CompletableFuture<MediaInspector.NodeMedia> a : asks) {
          if (a.join() != null) {
            out.add(a.join());
          }
        }
        out.sort(java.util.Comparator.comparing(MediaInspector.NodeMedia::node));
        return out;
      });
    }).exceptionally(failure -> List.of());
  }
}
