/**
 * Benchmark code of the storage layer ({@link com.picpeak.bench.StorageBenchmark}, {@link com.picpeak.bench.HeapPeak}):
 * printed figures and ratios against a reference measured in the same run, never wall-clock asserts. Run by the
 * CLI's {@code bench} command.
 *
 * <p>May import {@code storage} only. Nothing of the domain imports it.
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.bench;
