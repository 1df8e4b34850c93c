package io.shardcast.media.fec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Any m losses in a group of k data and m parity symbols are rebuilt exactly; m + 1 are not. */
class ReedSolomonTest {

  @Test
  void everyCombinationOfUpToMLossesIsRebuilt() {
    Random random = new Random(7);
    int k = 6;
    int m = 3;
    int len = 40;
    byte[][] data = new byte[k][len];
    for (byte[] d : data) {
      random.nextBytes(d);
    }
    byte[][] parity = new byte[m][len];
    for (int i = 0; i < m; i++) {
      ReedSolomon.parity(data, k, len, i, parity[i], 0);
    }
    int combos = 0;
    for (int mask = 0; mask < (1 << (k + m)); mask++) {
      if (Integer.bitCount(mask) > m) {
        continue;
      }
      byte[][] d = new byte[k][];
      byte[][] p = new byte[m][];
      for (int j = 0; j < k; j++) {
        d[j] = (mask & (1 << j)) != 0 ? null : data[j].clone();
      }
      for (int i = 0; i < m; i++) {
        p[i] = (mask & (1 << (k + i))) != 0 ? null : parity[i];
      }
      assertTrue(ReedSolomon.recover(d, p, k, len), "mask " + Integer.toBinaryString(mask));
      for (int j = 0; j < k; j++) {
        assertArrayEquals(data[j], d[j], "symbol " + j + " of mask " + Integer.toBinaryString(mask));
      }
      combos++;
    }
    assertTrue(combos > 100);
    byte[][] d = new byte[k][];
    d[0] = data[0];
    d[1] = data[1];
    assertFalse(ReedSolomon.recover(d, parity.clone(), k, len), "two data and three parity cannot rebuild six");
  }
}
