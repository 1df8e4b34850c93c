package io.shardcast.room.trace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each room incarnation did on this node, as JSON lines, for the chaos suite's split-brain
 * checker: when a room started and recovered here (and at which seq), every event it tried to write, every
 * event the journal confirmed, and when it stopped. Off unless {@code shardcast.room.activity-log} names a file; each line is written
 * through at once, so a node killed the next instant has it on disk.
 */
public final class RoomActivity implements Extension {

  private static final Logger LOG = LoggerFactory.getLogger(RoomActivity.class);

  private static final class Id extends ExtensionId<RoomActivity> {
    @Override
    public RoomActivity createExtension(ActorSystem<?> system) {
      String path = system.settings().config().getString("shardcast.room.activity-log");
      String node = system.address().host().getOrElse(() -> "?") + ":" + system.address().port().getOrElse(() -> 0);
      return new RoomActivity(path.isBlank() ? null : Path.of(path), node);
    }
  }

  private static final Id ID = new Id();

  public static RoomActivity get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final String node;
  private FileChannel out;

  RoomActivity(Path file, String node) {
    this.node = node;
    if (file != null) {
      try {
        if (file.getParent() != null) {
          Files.createDirectories(file.getParent());
        }
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        LOG.warn("room activity log {} not writable, not recording: {}", file, e.toString());
      }
    }
  }

  public boolean enabled() {
    return out != null;
  }

  /** The room started here and is about to recover from the journal (seq -1: not known yet). */
  public void starting(String roomId) {
    write(roomId, "starting", -1, "");
  }

  /** The room finished recovery here; its next event will be {@code seq + 1}. */
  public void recovered(String roomId, long seq) {
    write(roomId, "recovered", seq, "");
  }

  /**
   * The room applied the viewer-visible event {@code seq} here and asked the journal to write it
   * (state changes before the write is confirmed; a write that fails stops the room).
   */
  public void attempted(String roomId, long seq, boolean chat) {
    write(roomId, "attempted", seq, chat ? ",\"chat\":true" : "");
  }

  /**
   * The journal confirmed the room's viewer-visible event {@code seq}, written here; {@code chat}
   * for comments and like totals (which a slow viewer may have sampled away).
   */
  public void persisted(String roomId, long seq, boolean chat) {
    write(roomId, "persisted", seq, chat ? ",\"chat\":true" : "");
  }

  /** The room's incarnation here stopped (passivated, handed off, or its node is leaving). */
  public void stopped(String roomId, long seq) {
    write(roomId, "stopped", seq, "");
  }

  private void write(String roomId, String what, long seq, String extra) {
    FileChannel ch = out;
    if (ch == null) {
      return;
    }
    // Room ids are checked at the gateway ([A-Za-z0-9_-]), so they need no JSON escaping.
    String line = "{\"t\":" + System.currentTimeMillis() + ",\"node\":\"" + node + "\",\"room\":\"" + roomId
        + "\",\"what\":\"" + what + "\",\"seq\":" + seq + extra + "}\n";
    synchronized (this) {
      try {
        ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
      } catch (IOException e) {
        LOG.warn("room activity log write failed, not recording any more: {}", e.toString());
        out = null;
      }
    }
  }
}
