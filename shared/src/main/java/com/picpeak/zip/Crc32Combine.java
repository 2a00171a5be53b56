package com.picpeak.zip;

/**
 * The CRC-32 of two concatenated pieces from the CRC-32 of each and the length of the second, as zlib's
 * {@code crc32_combine} computes it (multiplication by x^(8·len2) in GF(2), by repeated squaring of the
 * one-zero-bit operator). It lets archive slices rendered apart check a photo that straddles them.
 */
final class Crc32Combine {
    private static final long POLYNOMIAL = 0xEDB88320L;

    private Crc32Combine() {
    }

    static long combine(long crc1, long crc2, long length2) {
        if (length2 <= 0) {
            return crc1;
        }
        long[] even = new long[32];
        long[] odd = new long[32];
        odd[0] = POLYNOMIAL; // the operator for one zero bit
        long row = 1;
        for (int n = 1; n < 32; n++) {
            odd[n] = row;
            row <<= 1;
        }
        square(even, odd); // two zero bits
        square(odd, even); // four zero bits
        long crc = crc1;
        long remaining = length2;
        do { // apply len2 zero bytes to crc1, one bit of len2 at a time
            square(even, odd);
            if ((remaining & 1) != 0) {
                crc = times(even, crc);
            }
            remaining >>= 1;
            if (remaining == 0) {
                break;
            }
            square(odd, even);
            if ((remaining & 1) != 0) {
                crc = times(odd, crc);
            }
            remaining >>= 1;
        } while (remaining != 0);
        return (crc ^ crc2) & 0xFFFFFFFFL;
    }

    private static long times(long[] matrix, long vector) {
        long sum = 0;
        for (int i = 0; vector != 0; i++, vector >>>= 1) {
            if ((vector & 1) != 0) {
                sum ^= matrix[i];
            }
        }
        return sum;
    }

    private static void square(long[] square, long[] matrix) {
        for (int n = 0; n < 32; n++) {
            square[n] = times(matrix, matrix[n]);
        }
    }
}
