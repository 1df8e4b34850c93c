package io.shardcast.room.commerce;

import io.shardcast.room.state.RoomState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The flash sales of the rooms this node hosts, as the autoscaler wants them: when each opens and
 * whether it has sold out. A room writes its entry when it recovers and whenever a sale is announced
 * or sells out, and removes it when it stops here (passivated, moved or the node leaving); the
 * node's load report carries the lot to the autoscaler, which scales ahead of {@code revealAt}.
 */
public final class SaleCalendar implements Extension {

  /** One announced sale. */
  public record Entry(String roomId, String saleId, long revealAtMillis, boolean soldOut) {}

  private static final class Id extends ExtensionId<SaleCalendar> {
    @Override
    public SaleCalendar createExtension(ActorSystem<?> system) {
      return new SaleCalendar();
    }
  }

  private static final Id ID = new Id();

  public static SaleCalendar get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final Map<String, List<Entry>> byRoom = new ConcurrentHashMap<>();

  /** Replaces the room's entries with its sales as they stand. */
  public void update(String roomId, RoomState state) {
    if (state.sales.isEmpty()) {
      byRoom.remove(roomId);
      return;
    }
    List<Entry> entries = new ArrayList<>(state.sales.size());
    for (RoomState.FlashSale s : state.sales.values()) {
      entries.add(new Entry(roomId, s.saleId, s.revealAtMillis, s.remaining() <= 0));
    }
    byRoom.put(roomId, List.copyOf(entries));
  }

  public void remove(String roomId) {
    byRoom.remove(roomId);
  }

  /** Sales whose opening is further back than this are left out: long over, for any scaling purpose. */
  private static final long RECENT_MILLIS = 3_600_000;

  /** The sales of the rooms hosted here, but those that opened more than an hour ago. */
  public List<Entry> entries() {
    long since = System.currentTimeMillis() - RECENT_MILLIS;
    List<Entry> out = new ArrayList<>();
    for (List<Entry> room : byRoom.values()) {
      for (Entry e : room) {
        if (e.revealAtMillis() >= since) {
          out.add(e);
        }
      }
    }
    return out;
  }
}
