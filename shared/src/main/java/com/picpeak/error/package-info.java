/**
 * The one error type of the domain: {@link com.picpeak.error.ErrorCode} (HTTP status, wire code) and
 * {@link com.picpeak.error.PicPeakException}, mapped to {@code {"error","message"}} JSON in one place by the
 * functions.
 *
 * <p>Depends on nothing of ours: every other package may import it.
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.error;
