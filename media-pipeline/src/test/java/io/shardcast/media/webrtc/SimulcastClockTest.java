package io.shardcast.media.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The layers of one captured frame share one time, whatever their arrival put them at: a viewer
 * changing layer at a keyframe never sees the same picture twice a few milliseconds apart.
 */
class SimulcastClockTest {

  @Test
  void aLaterLayerTakesTheTimeOfTheReferenceFrameItArrivedWith() {
    SimulcastClock clock = new SimulcastClock(3);
    for (long t = 0; t <= 66; t += 33) {
      assertEquals(t, clock.video(0, t));
    }
    // The half layer's first keyframe arrives 9 ms after the source's frame of the same capture.
    assertEquals(66, clock.video(1, 75));
    assertEquals(99, clock.video(1, 108));
    assertEquals(99, clock.video(0, 99));
    // A first frame placed a little before the reference frame of its capture is moved onto it.
    assertEquals(99, clock.video(2, 94));
    assertEquals(132, clock.video(2, 127));
  }

  @Test
  void aLayerWithNoReferenceFrameNearItsFirstKeepsItsArrivalTime() {
    SimulcastClock clock = new SimulcastClock(2);
    assertEquals(0, clock.video(0, 0));
    assertEquals(40, clock.video(1, 40));
    assertEquals(73, clock.video(1, 73));
  }

  @Test
  void theFirstLayerWithAFrameIsTheReferenceWhicheverItIs() {
    SimulcastClock clock = new SimulcastClock(3);
    assertEquals(500, clock.video(2, 500));
    assertEquals(500, clock.video(0, 510));
    assertEquals(533, clock.video(0, 543));
  }
}
