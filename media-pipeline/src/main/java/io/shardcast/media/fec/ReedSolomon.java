package io.shardcast.media.fec;

/**
 * Systematic Reed-Solomon erasure code over GF(2^8): {@code k} data symbols and up to {@code m}
 * parity symbols, where any {@code k} of the {@code k + m} rebuild the data. Parity rows come from
 * a Cauchy matrix, whose every square submatrix is invertible, so any combination of losses up
 * to {@code m} per group is recoverable.
 */
public final class ReedSolomon {

  private static final int[] EXP = new int[512];
  private static final int[] LOG = new int[256];

  static {
    int x = 1;
    for (int i = 0; i < 255; i++) {
      EXP[i] = x;
      LOG[x] = i;
      x <<= 1;
      if ((x & 0x100) != 0) {
        x ^= 0x11D;
      }
    }
    for (int i = 255; i < 512; i++) {
      EXP[i] = EXP[i - 255];
    }
  }

  /** Largest group (data plus parity symbols) the code serves. */
  public static final int MAX_SYMBOLS = 128;

  private ReedSolomon() {}

  static int mul(int a, int b) {
    return a == 0 || b == 0 ? 0 : EXP[LOG[a] + LOG[b]];
  }

  static int inv(int a) {
    if (a == 0) {
      throw new ArithmeticException("0 has no inverse in GF(256)");
    }
    return EXP[255 - LOG[a]];
  }

  /** Coefficient of data symbol {@code j} in parity symbol {@code i}: 1 / (x_i + y_j), x_i = k + i, y_j = j. */
  static int cauchy(int i, int j, int k) {
    return inv((k + i) ^ j);
  }

  /**
   * Parity symbol {@code i} of {@code data[0..k)} (each {@code length} bytes) into {@code out}
   * ({@code length} bytes at {@code outOffset}).
   */
  public static void parity(byte[][] data, int k, int length, int i, byte[] out, int outOffset) {
    java.util.Arrays.fill(out, outOffset, outOffset + length, (byte) 0);
    for (int j = 0; j < k; j++) {
      int c = cauchy(i, j, k);
      byte[] d = data[j];
      for (int b = 0; b < length; b++) {
        int v = d[b] & 0xFF;
        if (v != 0) {
          out[outOffset + b] ^= (byte) EXP[LOG[c] + LOG[v]];
        }
      }
    }
  }

  /**
   * Rebuilds the missing data symbols in place. {@code data[j]} is null where data symbol j is
   * missing; {@code parity[i]} null where parity i is missing. Returns false when fewer than k
   * symbols are present.
   */
  public static boolean recover(byte[][] data, byte[][] parity, int k, int length) {
    int missing = 0;
    for (int j = 0; j < k; j++) {
      if (data[j] == null) {
        missing++;
      }
    }
    if (missing == 0) {
      return true;
    }
    int[] rows = new int[k]; // for each equation: -1 - j for data symbol j, or parity index i
    byte[][] symbols = new byte[k][];
    int n = 0;
    for (int j = 0; j < k; j++) {
      if (data[j] != null) {
        rows[n] = -1 - j;
        symbols[n++] = data[j];
      }
    }
    for (int i = 0; i < parity.length && n < k; i++) {
      if (parity[i] != null) {
        rows[n] = i;
        symbols[n++] = parity[i];
      }
    }
    if (n < k) {
      return false;
    }
    // Matrix of the k equations (rows) over the k data symbols (columns), inverted by Gauss-Jordan.
    int[][] a = new int[k][2 * k];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < k; c++) {
        a[r][c] = rows[r] < 0 ? (c == -1 - rows[r] ? 1 : 0) : cauchy(rows[r], c, k);
      }
      a[r][k + r] = 1;
    }
    for (int col = 0; col < k; col++) {
      int pivot = col;
      while (pivot < k && a[pivot][col] == 0) {
        pivot++;
      }
      if (pivot == k) {
        return false;
      }
      int[] tmp = a[pivot];
      a[pivot] = a[col];
      a[col] = tmp;
      int scale = inv(a[col][col]);
      for (int c = 0; c < 2 * k; c++) {
        a[col][c] = mul(a[col][c], scale);
      }
      for (int r = 0; r < k; r++) {
        if (r != col && a[r][col] != 0) {
          int f = a[r][col];
          for (int c = 0; c < 2 * k; c++) {
            a[r][c] ^= mul(f, a[col][c]);
          }
        }
      }
    }
    for (int j = 0; j < k; j++) {
      if (data[j] != null) {
        continue;
      }
      byte[] out = new byte[length];
      for (int r = 0; r < k; r++) {
        int c = a[j][k + r];
        if (c == 0) {
          continue;
        }
        byte[] s = symbols[r];
        for (int b = 0; b < length; b++) {
          int v = s[b] & 0xFF;
          if (v != 0) {
            out[b] ^= (byte) EXP[LOG[c] + LOG[v]];
          }
        }
      }
      data[j] = out;
    }
    return true;
  }
}
