package io.shardcast.room.state;

/** Marker for every message, event and snapshot that crosses a node or the journal; bound to Jackson CBOR. */
public interface CborSerializable {}
