package io.shardcast.room.fanout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.shardcast.room.CborSerializable;
import java.util.function.Function;

/**
 * One server event rendered once as JSON, shared by every viewer that receives it. The gateway
 * caches its wire form ({@link #wire}) so fan-out creates nothing per viewer.
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

  @JsonIgnore private volatile Object wire;

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
