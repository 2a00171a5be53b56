package com.picpeak.storage;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts the S3 requests made by the current thread (the sync client runs interceptors on the caller's
 * thread), so a poll can report what it cost without counting what other threads did meanwhile.
 */
public final class S3RequestCounter implements ExecutionInterceptor {
    public static final S3RequestCounter INSTANCE = new S3RequestCounter();
    private static final ThreadLocal<long[]> REQUESTS = ThreadLocal.withInitial(() -> new long[1]);

    private S3RequestCounter() {
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        REQUESTS.get()[0]++;
    }

    /** Requests this thread has sent so far (retries included: each is billed). */
    public static long currentThread() {
        return REQUESTS.get()[0];
    }
}
