package com.picpeak.local;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/** The heap's peak over a stretch of work: the sum of every heap pool's peak (an upper bound). */
public final class HeapPeak {

    private HeapPeak() {
    }

    /** Collects what can be collected and starts a new stretch. */
    public static void reset() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Bytes: the sum of the heap pools' peaks since {@link #reset()}. */
    public static long sinceReset() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
