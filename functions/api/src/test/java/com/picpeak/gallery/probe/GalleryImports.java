package com.picpeak.gallery.probe;

import com.picpeak.ingest.ImportService;

/**
 * A probe of ArchitectureTest, never used: gallery importing the import path, which ARCHITECTURE.md's rule 3
 * forbids (ingest is called by the packages above gallery, never by it). The floors rule must report it.
 */
final class GalleryImports {
    private GalleryImports() {
    }

    static Object importer(ImportService imports) {
        return imports;
    }
}
