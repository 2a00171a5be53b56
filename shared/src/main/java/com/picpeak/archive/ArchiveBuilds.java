package com.picpeak.archive;

/**
 * Asks for an event's cached archive to be built, without waiting for it: a background thread in local
 * mode, an asynchronous invocation of the archive builder function in the serverless shape (a build
 * must not depend on one API request's 30 seconds).
 */
@FunctionalInterface
public interface ArchiveBuilds {
    void request(String slug);
}
