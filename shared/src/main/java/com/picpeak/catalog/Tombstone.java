package com.picpeak.catalog;

/**
 * What is left of a deleted photo until all its objects are gone: its file name stays taken (so no walker
 * or watcher imports its original again), and the key of its original says what remains to be removed
 * (a referenced file under {@code external/} is the photographer's and stays, with its tombstone).
 */
public record Tombstone(String photoId, String filename, String originalKey) {
}
