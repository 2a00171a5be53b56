package com.picpeak.protect;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.media.ImageScaler;
import com.picpeak.media.RenditionMaker;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;

import java.awt.Rectangle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Tiles of a view rendition (protection level {@code maximum}): how a photo is cut into {@code n x n} tiles, and
 * each tile made once, on first request, and stored beside the rendition it was cut from.
 */
public final class ImageTiles {
    /** One tile of a fragmented photo, in the pixels of the view rendition. */
    public record Tile(int index, int x, int y, int width, int height) {
    }

    /** How a fragmented photo is cut: {@code columns x rows} tiles of a {@code width x height} image. */
    public record TileLayout(int columns, int rows, int width, int height, List<Tile> tiles) {
    }

    /** A stored tile: its key, size, and the version of what it was cut from (for the ETag). */
    public record StoredTile(String key, long size, String version) {
    }

    private final BlobStore store;
    private final ImageScaler scaler;

    public ImageTiles(BlobStore store, ImageScaler scaler) {
        this.store = store;
        this.scaler = scaler;
    }

    static TileLayout layout(RenditionMaker.Copy view, int n) {
        List<Tile> tiles = new ArrayList<>(n * n);
        for (int row = 0; row < n; row++) {
            for (int column = 0; column < n; column++) {
                int x0 = (int) ((long) column * view.width() / n);
                int x1 = (int) ((long) (column + 1) * view.width() / n);
                int y0 = (int) ((long) row * view.height() / n);
                int y1 = (int) ((long) (row + 1) * view.height() / n);
                tiles.add(new Tile(row * n + column, x0, y0, x1 - x0, y1 - y0));
            }
        }
        return new TileLayout(n, n, view.width(), view.height(), List.copyOf(tiles));
    }

    /** Tile {@code index} of the view rendition cut {@code n x n}, cut and stored on first use. */
    StoredTile tile(String slug, String photoId, RenditionMaker.Copy view, int n, int index) {
        Tile tile = layout(view, n).tiles().get(index);
        String version = view.watermarkVersion() + "-tile" + n + "-" + index;
        String key = Keys.watermarkedCopy(slug, photoId, version);
        long size = store.head(key).map(BlobInfo::size).orElseGet(() -> cut(view, tile, key));
        return new StoredTile(key, size, version);
    }

    private long cut(RenditionMaker.Copy view, Tile tile, String key) {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream(64 * 1024);
        try (BlobRead read = store.get(view.key())) {
            scaler.tile(read.stream(), new Rectangle(tile.x(), tile.y(), tile.width(), tile.height()), jpeg);
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + view.key() + "' failed: " + e, e);
        }
        return store.put(key, new ByteArrayInputStream(jpeg.toByteArray()), PutOptions.of("image/jpeg")).size();
    }
}
