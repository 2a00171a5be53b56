package com.picpeak.storage;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

/**
 * One HTTP-style byte range: {@code first-last}, {@code first-} or the suffix {@code -length}.
 * {@code last} and {@code first} are -1 where absent.
 */
public record ByteRange(long first, long last, long suffixLength) {

    public ByteRange {
        boolean isSuffix = suffixLength >= 0;
        if (isSuffix ? (first != -1 || last != -1 || suffixLength == 0)
                : (first < 0 || (last != -1 && last < first))) {
            throw new PicPeakException(ErrorCode.INVALID_RANGE, "a byte range needs 0 <= first <= last, "
                    + "or a suffix length above 0");
        }
    }

    /** Bytes {@code first} to {@code last}, both inclusive. */
    public static ByteRange of(long first, long last) {
        return new ByteRange(first, last, -1);
    }

    /** From {@code first} to the end. */
    public static ByteRange from(long first) {
        return new ByteRange(first, -1, -1);
    }

    /** The last {@code length} bytes. */
    public static ByteRange suffix(long length) {
        return new ByteRange(-1, -1, length);
    }

    /**
     * Parses one HTTP {@code Range} header. Absent, multi-range or malformed headers give null: the whole
     * object is served, as RFC 9110 allows; a syntactically valid range outside the object is a 416 later.
     */
    public static ByteRange parseHeader(String header) {
        if (header == null || !header.startsWith("bytes=") || header.contains(",")) {
            return null;
        }
        String spec = header.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String start = spec.substring(0, dash).trim();
            String end = spec.substring(dash + 1).trim();
            if (start.isEmpty()) {
                long suffix = Long.parseLong(end);
                return suffix > 0 ? suffix(suffix) : null;
            }
            long first = Long.parseLong(start);
            if (end.isEmpty()) {
                return from(first);
            }
            long last = Long.parseLong(end);
            return last >= first ? of(first, last) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The {@code Range} header value, e.g. {@code bytes=0-99}. */
    public String toHeader() {
        if (suffixLength >= 0) {
            return "bytes=-" + suffixLength;
        }
        return "bytes=" + first + "-" + (last >= 0 ? last : "");
    }

    /**
     * The inclusive {@code [first, last]} this range covers in an object of {@code size} bytes.
     *
     * @throws PicPeakException RANGE_NOT_SATISFIABLE when it covers no byte of it
     */
    public long[] resolve(long size) {
        if (suffixLength >= 0) {
            if (size == 0) {
                throw notSatisfiable(size);
            }
            return new long[] {Math.max(0, size - suffixLength), size - 1};
        }
        if (first >= size) {
            throw notSatisfiable(size);
        }
        return new long[] {first, last < 0 ? size - 1 : Math.min(last, size - 1)};
    }

    private PicPeakException notSatisfiable(long size) {
        return new PicPeakException(ErrorCode.RANGE_NOT_SATISFIABLE,
                "range " + toHeader() + " is outside the object's " + size + " bytes");
    }
}
