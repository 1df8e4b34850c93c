package io.shardcast.room.fanout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.shardcast.room.state.CborSerializable;
import java.util.Arrays;
import java.util.function.Function;

/**
 * One server event rendered once as JSON, shared by every viewer that receives it, or a batch of
 * consecutive events an edge released together (one WebSocket message holding a JSON array). The
 * gateway caches the wire form ({@link #wire}) so fan-out creates nothing per viewer.
 */
public final class Frame implements CborSerializable {

  /** Room sequence number; 0 for frames outside the sequence (errors, notices). */
  public final long seq;
  public final String json;
  /** Commerce and system events: never dropped. Chat and like totals may be sampled under overload. */
  public final boolean priority;
  /** Edges hold this frame (and every later one) until this instant; 0 for "at once". */
  public final long releaseAtMillis;
  /** A full room snapshot: the client replaces its state with it. */
  public final boolean snapshot;
  /** When the room rendered it (epoch ms), for the fan-out latency metric; 0 when unknown. */
  public final long createdAtMillis;

  /** The events of a batch in seq order; null for a single event. Batches never leave their node. */
  @JsonIgnore private final Frame[] parts;
  /** Seq of the first sequenced event of a batch; {@link #seq} for a single event. */
  @JsonIgnore public final long firstSeq;
  /** Chat events in this frame (0 or 1 for a single event). */
  @JsonIgnore public final int chatCount;
  /** Time-gated (a sale opening), or a batch holding one: it must not wait behind queued chat. */
  @JsonIgnore public final boolean urgent;

  @JsonIgnore private volatile Object wire;
  @JsonIgnore private volatile Frame priorityOnly;

  @JsonCreator
  public Frame(
      @JsonProperty("seq") long seq,
      @JsonProperty("json") String json,
      @JsonProperty("priority") boolean priority,
      @JsonProperty("releaseAtMillis") long releaseAtMillis,
      @JsonProperty("snapshot") boolean snapshot,
      @JsonProperty("createdAtMillis") long createdAtMillis) {
    this.seq = seq;
    this.json = json;
    this.priority = priority;
    this.releaseAtMillis = releaseAtMillis;
    this.snapshot = snapshot;
    this.createdAtMillis = createdAtMillis;
    this.parts = null;
    this.firstSeq = seq;
    this.chatCount = priority ? 0 : 1;
    this.urgent = releaseAtMillis > 0;
  }

  private Frame(Frame[] parts, String json, boolean priority, long createdAtMillis, int chatCount, boolean urgent) {
    this.seq = parts[parts.length - 1].seq;
    this.json = json;
    this.priority = priority;
    this.releaseAtMillis = 0;
    this.snapshot = false;
    this.createdAtMillis = createdAtMillis;
    this.parts = parts;
    this.firstSeq = parts[0].seq;
    this.chatCount = chatCount;
    this.urgent = urgent;
  }

  /**
   * One message for {@code frames[from..to)}, consecutive sequenced events already released: the
   * frame itself when there is one, else a batch whose JSON is the array of the events.
   */
  public static Frame batch(Frame[] frames, int from, int to) {
    if (to - from == 1) {
      return frames[from];
    }
    Frame[] parts = Arrays.copyOfRange(frames, from, to);
    // Sized exactly (the brackets and commas too), so the builder never grows.
    int length = parts.length + 1;
    for (Frame p : parts) {
      length += p.json.length();
    }
    StringBuilder sb = new StringBuilder(length).append('[');
    boolean priority = false;
    boolean urgent = false;
    long oldestChat = 0;
    int chat = 0;
    for (int i = 0; i < parts.length; i++) {
      Frame p = parts[i];
      if (p.parts != null || p.seq == 0 || p.snapshot) {
        throw new IllegalArgumentException("only single sequenced events are batched: " + p);
      }
      if (i > 0) {
        sb.append(',');
      }
      sb.append(p.json);
      urgent |= p.urgent;
      if (p.priority) {
        priority = true;
      } else {
        chat++;
        if (oldestChat == 0 || (p.createdAtMillis > 0 && p.createdAtMillis < oldestChat)) {
          oldestChat = p.createdAtMillis;
        }
      }
    }
    return new Frame(parts, sb.append(']').toString(), priority, oldestChat, chat, urgent);
  }

  public boolean isBatch() {
    return parts != null;
  }

  /** Events in this frame: the batch size, or 1. */
  public int size() {
    return parts == null ? 1 : parts.length;
  }

  /** The i-th event of a batch (or this frame for i = 0 of a single event). */
  public Frame part(int i) {
    return parts == null ? this : parts[i];
  }

  /**
   * This frame without its chat: itself when it has none, null when it is all chat. Made once and
   * shared by every viewer that is behind.
   */
  public Frame withoutChat() {
    if (chatCount == 0) {
      return this;
    }
    if (!priority) {
      return null;
    }
    Frame p = priorityOnly;
    if (p == null) {
      int n = 0;
      Frame[] keep = new Frame[parts.length - chatCount];
      for (Frame f : parts) {
        if (f.priority) {
          keep[n++] = f;
        }
      }
      p = batch(keep, 0, n);
      priorityOnly = p;
    }
    return p;
  }

  public static Frame notice(String json) {
    return new Frame(0, json, true, 0, false, 0);
  }

  /** The encoded form for the transport, made once by the first viewer that needs it. */
  @SuppressWarnings("unchecked")
  public <T> T wire(Function<Frame, T> encoder) {
    Object w = wire;
    if (w == null) {
      w = encoder.apply(this);
      wire = w;
    }
    return (T) w;
  }

  @Override
  public String toString() {
    return "Frame(" + seq + ")";
  }
}
