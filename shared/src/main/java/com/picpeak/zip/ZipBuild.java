package com.picpeak.zip;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobStore;

import java.util.List;

/**
 * A planned archive written to storage as parts of one fixed size (the last shorter) of one unfinished object,
 * each rendered on its own by {@link ZipSlice} (by the part jobs of {@link ZipParts}), so a build of any size
 * goes on after a timeout or a crash from the parts already written. It is verified without reading it back:
 * every photo's CRC-32 as it passes (the pieces of one cut by a part's edge joined once all are written),
 * every part's MD5 where the store reports one, and the finished object's length.
 */
public final class ZipBuild {
    /** S3 allows 10,000 parts; a larger archive gets larger parts. */
    static final int MAX_PARTS = 10_000;

    /**
     * How far a build got: what a job step saves. Its size stays small whatever the archive's: the store
     * keeps the parts, and {@code openPieces} holds only the photos cut by an edge whose other pieces have
     * not been written yet.
     */
    public record State(String key, String uploadId, long partBytes, int parts, int partsWritten,
                        List<ZipSlice.Piece> openPieces) {
        public State {
            openPieces = List.copyOf(openPieces);
        }

        public boolean allPartsWritten() {
            return partsWritten == parts;
        }
    }

    private final BlobStore store;

    public ZipBuild(BlobStore store) {
        this.store = store;
    }

    /** Starts the unfinished object at {@code key}, with parts of about {@code preferredPartBytes}. */
    public State start(String key, ZipPlan plan, long preferredPartBytes) {
        long partBytes = Math.max(Math.max(preferredPartBytes, store.minPartBytes()),
                (plan.length() + MAX_PARTS - 1) / MAX_PARTS);
        int parts = (int) Math.max(1, (plan.length() + partBytes - 1) / partBytes);
        String uploadId = store.startParts(key, "application/zip");
        return new State(key, uploadId, partBytes, parts, 0, List.of());
    }

    /** Why writing a part failed: the photo that changed, not the transport that carried the error. */
    static RuntimeException causeOf(ZipSlice slice, Exception e, int part, String key) {
        if (slice.failure() != null) {
            return slice.failure();
        }
        if (e instanceof RuntimeException runtime) {
            return runtime;
        }
        return new PicPeakException(ErrorCode.STORAGE_FAILURE, "writing part " + part + " of " + key + " failed: " + e, e);
    }

    /**
     * Checks the photos cut by part edges, makes the object visible (the store checking each part against its
     * recorded digest, when given) and checks its length. Safe to repeat after a crash: an object already
     * completed with the planned length counts as done.
     */
    void complete(ZipPlan plan, State state, List<String> partDigests) {
        if (!state.allPartsWritten()) {
            throw new IllegalStateException(state.partsWritten() + " of " + state.parts() + " parts are written");
        }
        if (!state.openPieces().isEmpty()) { // every photo cut by an edge is joined and checked by now
            ZipPlan.Entry entry = plan.entries().get(state.openPieces().get(0).entry());
            throw ZipSlice.changed(entry.item(), "was not read whole by the archive's parts");
        }
        try {
            store.completeParts(state.key(), state.uploadId(), state.parts(), partDigests);
        } catch (PicPeakException e) {
            if (e.errorCode() != ErrorCode.NOT_FOUND || storedLength(state.key()) != plan.length()) {
                throw e;
            }
        }
        long stored = storedLength(state.key());
        if (stored != plan.length()) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "the archive " + state.key() + " has " + stored
                    + " bytes after writing, " + plan.length() + " were planned");
        }
    }

    /** Discards an unfinished build (its parts); never throws. */
    public void abort(State state) {
        if (state == null) {
            return;
        }
        try {
            store.abortParts(state.key(), state.uploadId());
        } catch (RuntimeException e) {
            // the bucket's lifecycle rule for unfinished uploads is the backstop
        }
    }

    private long storedLength(String key) {
        return store.head(key).map(BlobInfo::size).orElse(-1L);
    }
}
