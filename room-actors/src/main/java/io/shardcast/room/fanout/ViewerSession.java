package io.shardcast.room.fanout;

/**
 * The bounded, prioritised outbound queue of one viewer connection. The room's edge offers
 * frames; the connection's stream drains them. Chat is sampled once the queue passes its chat
 * limit; commerce and system frames are never dropped: a viewer too slow even for those is
 * closed with a reconnect hint and resumes by {@code since} without losing anything.
 */
public final class ViewerSession {

  private final String roomId;
  private final String userId;
  private final Frame[] queue;
  private final int chatLimit;
  private final long maxChatAgeMillis;
  private final FanoutStats stats;
  private int head;
  private int size;
  /**
   * Highest sequence number accepted for this viewer (delivered or sampled away). Written under the
   * lock; volatile so the batch-overlap check in {@link #offer} needs no second lock per batch.
   */
  private volatile long lastSeq = -1;
  /** Highest sequence number actually handed to the connection. */
  private volatile long deliveredSeq = -1;
  private long chatDropped;
  private boolean overflowed;
  private boolean consumerWaiting;
  private Frame closing;
  private Runnable wakeup = () -> {};

  /**
   * @param maxChatAgeMillis chat older than this when the socket can take it is sampled away
   *     instead of sent late; 0 disables the age bound
   * @param stats the node's fan-out counters, where chat sampled away and slow-consumer closes are counted
   */
  public ViewerSession(String roomId, String userId, int capacity, int chatLimit, long maxChatAgeMillis,
      FanoutStats stats) {
    if (chatLimit > capacity || capacity < 1) {
      throw new IllegalArgumentException("chat limit " + chatLimit + " must be within capacity " + capacity);
    }
    this.roomId = roomId;
    this.userId = userId;
    this.queue = new Frame[capacity];
    this.chatLimit = chatLimit;
    this.maxChatAgeMillis = maxChatAgeMillis;
    this.stats = stats;
  }

  public String roomId() {
    return roomId;
  }

  public String userId() {
    return userId;
  }

  /** Called once by the consumer: run when data arrives while it waits. */
  public synchronized void onWakeup(Runnable wakeup) {
    this.wakeup = wakeup;
  }

  /** Starts this viewer after {@code since}: frames at or below it are not sent again. */
  public synchronized void resumeFrom(long since) {
    if (since > lastSeq) {
      lastSeq = since;
      deliveredSeq = since;
    }
  }

  /**
   * Offers a frame (one event or a batch). Events at or below what this viewer already has are
   * skipped, which makes replays and catch-ups idempotent.
   */
  public void offer(Frame frame) {
    if (frame.isBatch() && frame.firstSeq <= lastSeq) {
      // A batch that overlaps what this viewer already has (it attached mid-batch): rare, per event.
      for (int i = 0, n = frame.size(); i < n; i++) {
        offer(frame.part(i));
      }
      return;
    }
    boolean wake;
    synchronized (this) {
      if (closing != null || overflowed) {
        return;
      }
      if (frame.seq != 0) {
        if (frame.seq <= lastSeq) {
          return;
        }
        lastSeq = frame.seq;
      }
      if (frame.urgent) {
        dropQueuedChat();
      }
      if (frame.chatCount > 0 && size >= chatLimit) {
        Frame kept = frame.withoutChat();
        dropChat(frame.chatCount);
        if (kept == null) {
          return;
        }
        frame = kept;
      }
      if (size == queue.length) {
        overflowed = true;
        stats.slowConsumerCloses.increment();
      } else {
        queue[(head + size) % queue.length] = frame;
        size++;
      }
      wake = consumerWaiting;
      consumerWaiting = false;
    }
    if (wake) {
      wakeup.run();
    }
  }

  /**
   * Takes the chat out of everything queued, so an urgent frame (a sale opening at its instant)
   * reaches this viewer without waiting behind chat; commerce stays, in order.
   */
  private void dropQueuedChat() {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      int from = (head + i) % queue.length;
      Frame f = queue[from];
      queue[from] = null;
      if (f.chatCount > 0) {
        dropChat(f.chatCount);
        f = f.withoutChat();
      }
      if (f != null) {
        queue[(head + kept++) % queue.length] = f;
      }
    }
    size = kept;
  }

  private void dropChat(int n) {
    chatDropped += n;
    stats.chatDropped.add(n);
  }

  /** Asks the connection to close after what is queued, sending {@code notice} last. */
  public void close(Frame notice) {
    boolean wake;
    synchronized (this) {
      if (closing != null) {
        return;
      }
      closing = notice;
      wake = consumerWaiting;
      consumerWaiting = false;
    }
    if (wake) {
      wakeup.run();
    }
  }

  /**
   * Next frame for the connection, or null when the queue is empty (the consumer is then woken by
   * the next offer). Check {@link #overflowed()} and {@link #closingNotice()} when null.
   */
  public synchronized Frame poll() {
    if (overflowed) {
      return null;
    }
    long staleBefore = maxChatAgeMillis > 0 ? System.currentTimeMillis() - maxChatAgeMillis : 0;
    while (size > 0) {
      Frame f = queue[head];
      queue[head] = null;
      head = (head + 1) % queue.length;
      size--;
      if (f.seq != 0) {
        deliveredSeq = f.seq;
      }
      if (f.chatCount > 0 && f.createdAtMillis > 0 && f.createdAtMillis < staleBefore) {
        // Late chat is worth less than current chat: sample it away rather than fall further behind.
        dropChat(f.chatCount);
        f = f.withoutChat();
        if (f == null) {
          continue;
        }
      }
      return f;
    }
    consumerWaiting = closing == null;
    return null;
  }

  public synchronized boolean overflowed() {
    return overflowed;
  }

  /** The last frame to send before closing, once the queue is empty; null while open. */
  public synchronized Frame closingNotice() {
    return size == 0 ? closing : null;
  }

  public long deliveredSeq() {
    return deliveredSeq;
  }

  public synchronized long chatDropped() {
    return chatDropped;
  }

  public synchronized int queued() {
    return size;
  }
}
