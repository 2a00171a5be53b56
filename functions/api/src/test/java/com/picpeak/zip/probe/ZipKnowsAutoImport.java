package com.picpeak.zip.probe;

import com.picpeak.autoimport.AutoImportState;

/**
 * A probe of ArchitectureTest, never used: the zip machinery importing auto-import, which ARCHITECTURE.md's rule 3
 * forbids (zip builds on jobs, catalog and storage only). The floors rule must report it.
 */
final class ZipKnowsAutoImport {
    private ZipKnowsAutoImport() {
    }

    static int sighted(AutoImportState state, String slug) {
        return state.sightings(slug).size();
    }
}
