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
   * symbols are present. Allocates; receivers use a {@link Decoder}.
   */
  public static boolean recover(byte[][] data, byte[][] parity, int k, int length) {
    boolean[] present = new boolean[k];
    boolean[] parityPresent = new boolean[parity.length];
    byte[][] d = new byte[k][];
    for (int j = 0; j < k; j++) {
      present[j] = data[j] != null;
      d[j] = present[j] ? data[j] : new byte[length];
    }
    for (int i = 0; i < parity.length; i++) {
      parityPresent[i] = parity[i] != null;
    }
    if (!new Decoder(Math.max(k, 1)).recover(d, present, parity, parityPresent, k, length)) {
      return false;
    }
    System.arraycopy(d, 0, data, 0, k);
    return true;
  }

  /** Rebuilds lost symbols with workspace allocated once (one per receiver). */
  public static final class Decoder {
    private final int[][] a;
    private final int[] rows;
    private final byte[][] symbols;

    public Decoder(int maxK) {
      a = new int[maxK][2 * maxK];
      rows = new int[maxK];
      symbols = new byte[maxK][];
    }

    /**
     * Writes each missing data symbol ({@code present[j]} false) into {@code data[j]} (at least
     * {@code length} bytes), from the present data and parity symbols; false when fewer than k are present.
     */
    public boolean recover(byte[][] data, boolean[] present, byte[][] parity, boolean[] parityPresent, int k,
        int length) {
      int n = 0;
      for (int j = 0; j < k; j++) {
        if (present[j]) {
          rows[n] = -1 - j;
          symbols[n++] = data[j];
        }
      }
      if (n == k) {
        return true;
      }
      for (int i = 0; i < parity.length && n < k; i++) {
        if (parityPresent[i]) {
          rows[n] = i;
          symbols[n++] = parity[i];
        }
      }
      if (n < k) {
        return false;
      }
      // The k equations (rows) over the k data symbols (columns), inverted by Gauss-Jordan.
      for (int r = 0; r < k; r++) {
        java.util.Arrays.fill(a[r], 0, 2 * k, 0);
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
        if (present[j]) {
          continue;
        }
        byte[] out = data[j];
        java.util.Arrays.fill(out, 0, length, (byte) 0);
        for (int r = 0; r < k; r++) {
          int c = a[j][k + r];
          if (c == 0) {
            continue;
          }
          byte[] sym = symbols[r];
          for (int b = 0; b < length; b++) {
            int v = sym[b] & 0xFF;
            if (v != 0) {
              out[b] ^= (byte) EXP[LOG[c] + LOG[v]];
            }
          }
        }
      }
      return true;
    }
  }
}
