package com.picpeak.storage.probe;

import com.picpeak.catalog.Catalog;

/**
 * A probe of ArchitectureTest, never used: storage importing the catalog, which ARCHITECTURE.md's rule 3 forbids
 * (storage knows keys, not events). The floors rule must report it.
 */
final class StorageReadsTheCatalog {
    private StorageReadsTheCatalog() {
    }

    static boolean knows(Catalog catalog, String slug) {
        return catalog.findEvent(slug).isPresent();
    }
}
