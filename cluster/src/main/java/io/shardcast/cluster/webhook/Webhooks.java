package io.shardcast.cluster.webhook;

import io.shardcast.cluster.journal.ProjectionOffsets;
import io.shardcast.room.state.EventTags;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the webhook deliveries on the cluster: one {@link WebhookStream} per subscriber and tagged
 * stream, spread over the nodes by Pekko's sharded daemon process (a stream whose node is lost
 * starts again on another, from its saved offset).
 */
public final class Webhooks {

  private static final Logger log = LoggerFactory.getLogger(Webhooks.class);

  private Webhooks() {}

  public static void start(ActorSystem<?> system, WebhookSettings settings, ProjectionOffsets offsets) {
    if (settings.subscribers().isEmpty()) {
      return;
    }
    WebhookSender sender = new WebhookSender(settings.timeout());
    int streams = EventTags.STREAMS;
    ShardedDaemonProcess.get(system).init(Void.class, "webhooks", settings.subscribers().size() * streams,
        i -> WebhookStream.create(settings, settings.subscribers().get(i / streams), i % streams, offsets, sender));
    log.info("webhooks: {} subscribers, {} streams each", settings.subscribers().size(), streams);
  }
}
