package io.shardcast.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Every publisher of a room lands on one clock: by the wall clock since the room's first frame,
 * and never behind the newest frame the room has, so a second camera can always be switched to.
 */
class RoomClockTest {

  private final MediaRoom room = new MediaHub(64).room("r");

  @Test
  void aLaterPublisherRunsOnTheWallClockFromTheFirst() {
    assertEquals(0, room.clockOffset(0, 10_000));
    assertEquals(5_000, room.clockOffset(0, 15_000), "started 5 s after the first");
    assertEquals(4_000, room.clockOffset(1_000, 15_000), "its own clock already at 1 s");
  }

  @Test
  void aPublisherIsNeverPutBehindWhatTheRoomAlreadyShows() {
    room.clockOffset(0, 10_000);
    // The first camera's encoder started slow: its frames stand 800 ms ahead of the wall clock.
    room.observe(5_800, 15_000);
    assertEquals(5_801, room.clockOffset(0, 15_000), "just past the newest frame, not 5 s");
  }

  @Test
  void layersOfOneEncoderShareOneOffset() {
    PublisherClock shared = new PublisherClock();
    long first = shared.offset(room, 0);
    room.observe(9_000, System.currentTimeMillis());
    assertEquals(first, shared.offset(room, 500), "fixed by the first frame");
  }
}
