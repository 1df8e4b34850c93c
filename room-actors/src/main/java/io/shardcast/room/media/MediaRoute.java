package io.shardcast.room.media;

import io.shardcast.room.reply.RoomReply;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The room's media route: which node ingests (the origin) and which nodes have viewers (the
 * subscribers), each known by its media router and relay endpoint. Soft state, not persisted:
 * origins and subscribers refresh it every couple of seconds, so a room that moves to another
 * node rebuilds it within a refresh, and a node that died drops out after {@code expiryMillis}.
 * Until the first refresh of a room that has just started here, a route without an origin may only
 * mean the origin has not refreshed yet: it is "settling" for {@code settleMillis}.
 */
public final class MediaRoute {

  private record Member(ActorRef<MediaNode> router, long seenMillis) {}

  private final String roomId;
  private final long expiryMillis;
  private final long settledAtMillis;
  /** An origin has announced itself to this incarnation of the room: the route is no longer settling. */
  private boolean heardFromOrigin;
  private String originEndpoint;
  /** Whether the origin was last told of any destination (an empty list then stops its pushes). */
  private boolean restreaming;
  private Member origin;
  private final Map<String, Member> subscribers = new LinkedHashMap<>();
  /** The origin's media clock at its last refresh: a frame's timestamp and when it arrived; -1 when unknown. */
  private long anchorTimestamp = -1;
  private long anchorAtMillis;
  /** Cues for moments still to come (a sale's reveal), sent again to an origin that takes over. */
  private final List<MediaNode.Cue> comingCues = new ArrayList<>();

  public MediaRoute(String roomId, long expiryMillis, long settleMillis, long startedMillis) {
    this.roomId = roomId;
    this.expiryMillis = expiryMillis;
    this.settledAtMillis = startedMillis + settleMillis;
  }

  /**
   * The origin announced (or refreshed) itself; a new origin is told of every subscriber, and of the
   * active {@code camera}: a switch sent while this incarnation of the room did not know it yet (it
   * had just moved here) reached nobody.
   */
  public void origin(ActorRef<MediaNode> router, String endpoint, String camera, long now) {
    expire(now);
    boolean changed = !endpoint.equals(originEndpoint) || origin == null || !origin.router().equals(router);
    heardFromOrigin = true;
    originEndpoint = endpoint;
    origin = new Member(router, now);
    if (changed) {
      comingCues.removeIf(c -> c.atMillis() < now);
      for (MediaNode.Cue c : comingCues) {
        router.tell(c);
      }
      for (String edge : subscribers.keySet()) {
        if (!edge.equals(endpoint)) {
          router.tell(new MediaNode.RelayTo(roomId, edge));
        }
      }
      router.tell(new MediaNode.CameraIs(roomId, camera));
    }
  }

  /**
   * Where the origin's media clock stood: the frame at {@code timestamp} (ms on the room's media
   * clock) arrived at {@code atMillis}; a timestamp below 0 says the origin has no frame yet.
   */
  public void anchor(long timestamp, long atMillis) {
    anchorTimestamp = timestamp;
    anchorAtMillis = atMillis;
  }

  /**
   * The room's media time at {@code wallMillis} (the latest ingested frame's timestamp, run on by
   * the wall clock since), or -1 when the room has no origin or its clock is stale.
   */
  public long mediaTimeAt(long wallMillis) {
    if (origin == null || anchorTimestamp < 0 || Math.abs(wallMillis - anchorAtMillis) > expiryMillis + 60_000) {
      return -1;
    }
    return Math.max(0, anchorTimestamp + (wallMillis - anchorAtMillis));
  }

  /** Sends {@code cue} to the origin (kept for a new origin while its moment is still to come). */
  public void cue(MediaNode.Cue cue, long now) {
    if (cue.atMillis() > now) {
      comingCues.removeIf(c -> c.atMillis() < now);
      comingCues.add(cue);
    }
    if (origin != null) {
      origin.router().tell(cue);
    }
  }

  /** The origin at {@code endpoint} stopped ingesting. */
  public void originGone(String endpoint) {
    if (endpoint.equals(originEndpoint)) {
      origin = null;
      originEndpoint = null;
      anchorTimestamp = -1;
    }
  }

  /**
   * A node with viewers (re)subscribed; the origin is told to relay to it (idempotent there).
   * Returns the route as the node needs it.
   */
  public RoomReply.Route watch(ActorRef<MediaNode> router, String endpoint, String camera, long now) {
    expire(now);
    Member before = subscribers.put(endpoint, new Member(router, now));
    if (origin != null && !endpoint.equals(originEndpoint)) {
      origin.router().tell(new MediaNode.RelayTo(roomId, endpoint));
    }
    if (before == null || !before.router().equals(router)) {
      // A subscriber this incarnation did not know may have missed a camera switch (see origin).
      router.tell(new MediaNode.CameraIs(roomId, camera));
    }
    return describe(camera, now);
  }

  /** A node's last viewer of the room left. */
  public void unwatch(String endpoint) {
    if (subscribers.remove(endpoint) != null && origin != null) {
      origin.router().tell(new MediaNode.StopRelay(roomId, endpoint));
    }
  }

  /**
   * Tells the origin where the room is restreamed (idempotent there); a room that never had a
   * destination sends nothing.
   */
  public void restream(java.util.List<io.shardcast.room.state.RoomState.Destination> destinations) {
    if (origin == null || (destinations.isEmpty() && !restreaming)) {
      return;
    }
    restreaming = !destinations.isEmpty();
    origin.router().tell(new MediaNode.Restream(roomId, destinations));
  }

  /** The endpoint of the node ingesting the room, or null. */
  public String originEndpoint() {
    return originEndpoint;
  }

  /** Tells the origin and every subscriber that {@code camera} is now active. */
  public void cameraSwitched(String camera) {
    MediaNode.CameraIs msg = new MediaNode.CameraIs(roomId, camera);
    if (origin != null) {
      origin.router().tell(msg);
    }
    for (Member m : subscribers.values()) {
      m.router().tell(msg);
    }
  }

  public boolean live() {
    return origin != null;
  }

  /** The route as it stands at {@code now}, with the room's active {@code camera}. */
  public RoomReply.Route describe(String camera, long now) {
    boolean settling = !heardFromOrigin && now < settledAtMillis;
    return new RoomReply.Route(origin != null, settling, camera, originEndpoint, List.copyOf(subscribers.keySet()));
  }

  private void expire(long now) {
    if (origin != null && now - origin.seenMillis() > expiryMillis) {
      origin = null;
      originEndpoint = null;
    }
    Iterator<Map.Entry<String, Member>> it = subscribers.entrySet().iterator();
    while (it.hasNext()) {
      if (now - it.next().getValue().seenMillis() > expiryMillis) {
        it.remove();
      }
    }
  }
}
