/**
 * The admin's operations that combine several parts of the domain: choosing an event's hero (its cover image
 * rendered and stored) and direct uploads (a presigned PUT, then the same import as any upload).
 *
 * <p>Owns: {@link com.picpeak.admin.HeroImages}, {@link com.picpeak.admin.DirectUploads}. It sits above
 * {@code gallery}, {@code ingest}, {@code media} and {@code storage} and uses their services; no package of
 * {@code shared} imports it (only {@code functions/*} do). It must not import Spring, servlet or Lambda types, nor
 * {@code app} (the runtime wires it, never the other way).
 */
package com.picpeak.admin;
