package com.picpeak.zip;

import java.time.Instant;

/**
 * One file of an archive, with its size and CRC-32 known before the archive is written (the catalog
 * has both), so every header can be written in one pass with exact values.
 *
 * @param name       the name wanted inside the archive (made unique by {@link ZipPlan})
 * @param storageKey where its bytes are read from
 */
public record ZipItem(String name, String storageKey, long size, long crc32, Instant modified) {
}
