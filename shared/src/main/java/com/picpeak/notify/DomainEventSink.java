package com.picpeak.notify;

/**
 * Where domain events go. {@link #publish} must return quickly and never fail the caller: an import is
 * done when its catalog row is written, whether or not anyone has been told yet.
 */
public interface DomainEventSink {

    void publish(DomainEvent event);

    /** For processes that emit nothing (tools, tests of other things). */
    DomainEventSink NONE = event -> { };
}
