package com.picpeak.autoimport;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.Keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Events that reference a folder under {@code EXTERNAL_MEDIA_ROOT} instead of owning their photos: the
 * folder's images become catalog rows pointing at the files (source {@code external}), imported by the
 * folder watcher; only their thumbnails are written to the backend.
 */
public final class ExternalFolders {
    private final Catalog catalog;
    private final AutoImportState state;
    private final Optional<Path> root;

    public ExternalFolders(Catalog catalog, AutoImportState state, Optional<Path> root) {
        this.catalog = catalog;
        this.state = state;
        this.root = root.map(ExternalFolders::real);
    }

    public Optional<String> folderOf(String slug) {
        return state.externalFolder(slug);
    }

    /**
     * Makes the event reference {@code folder} (relative to the root). Refused: without a root, a folder
     * that is absolute, climbs out with '..', leads out through a symlink, or does not exist; an event that
     * has a folder already (its photos point there) or is archived.
     */
    public String link(String slug, String folder) {
        Path base = root.orElseThrow(() -> new PicPeakException(ErrorCode.INVALID_REQUEST, "this server has no "
                + "EXTERNAL_MEDIA_ROOT: set it to the folder that holds referenced media, then restart"));
        Event event = catalog.findEvent(slug).orElseThrow(() -> new PicPeakException(ErrorCode.EVENT_NOT_FOUND,
                "there is no event '" + slug + "'"));
        if (event.isArchived()) {
            throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is archived: restore it first");
        }
        String relative = insideRoot(base, folder);
        Optional<String> existing = state.externalFolder(slug);
        if (existing.isPresent() && !existing.get().equals(relative)) {
            throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' references '" + existing.get()
                    + "' already: create another event for another folder");
        }
        state.linkExternalFolder(slug, relative);
        return relative;
    }

    /**
     * The one rule of a referenced folder (a link made by the admin, a restored backup's referenced files): relative
     * to the root, no '..', an existing folder whose real path is inside the (real) root, so no symlink leads out.
     *
     * @return the folder, normalised (no trailing '/')
     * @throws PicPeakException INVALID_REQUEST saying why
     */
    public static String insideRoot(Path root, String folder) {
        Path base = real(root);
        String relative = normalise(folder);
        Path target = base.resolve(relative);
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) || !real(target).startsWith(base)) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "'" + folder + "' is not a folder inside "
                    + "EXTERNAL_MEDIA_ROOT (" + base + ")");
        }
        return relative;
    }

    private static String normalise(String folder) {
        if (folder == null || folder.isBlank()) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "'folder' is required: a folder relative "
                    + "to EXTERNAL_MEDIA_ROOT, like 2026/smith-wedding");
        }
        String trimmed = folder.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            return Keys.validate(trimmed);
        } catch (PicPeakException e) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "'" + folder + "' is not a folder inside "
                    + "EXTERNAL_MEDIA_ROOT: " + e.getMessage(), e);
        }
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
