package com.picpeak.jobs;

import com.picpeak.catalog.DynamoTable;
import com.picpeak.testing.TestDynamo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A job that waits for others (a Download All build for its parts) is woken when the last of them is in, and runs
 * then, not at its next look ({@code ZipParts.RECHECK}). Here the next look is an hour away, so a build that
 * completes within the test's seconds was woken, however its wake met its going to wait: while it looked (the
 * wake is kept for its wait), or after the worker scheduled the look (the wake's delivery comes first). On a real
 * catalog (DynamoDB Local), with the real runner, worker and local queue.
 */
class JobWakeTest {
    static final Duration NEXT_LOOK = Duration.ofHours(1);
    static final JobSettings SETTINGS = new JobSettings(Duration.ofSeconds(60), Duration.ofMinutes(3), Duration.ZERO,
            Duration.ZERO, 3, 1024, 2);

    /** A part job's parameters: the build it belongs to. */
    record PartOf(String parent) {
    }

    final Clock clock = Clock.systemUTC();
    final JobStore store = new JobStore(new DynamoTable(TestDynamo.client(), TestDynamo.createTable()));
    final List<String> dispatched = Collections.synchronizedList(new ArrayList<>());
    LocalJobQueue queue;

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
    }

    @Test
    void aWakeWhileTheJobLooks_isKeptForItsWait() {
        Jobs jobs = new Jobs(store, (id, delay) -> dispatched.add(id), SETTINGS, clock);
        AtomicInteger looks = new AtomicInteger();
        JobRunner runner = new JobRunner(store, Map.of(JobKind.DOWNLOAD_ALL_BUILD, JobStep.of((job, deadline) -> {
            if (looks.incrementAndGet() == 1) {
                jobs.wake(job.id()); // the last part comes in after this look counted the parts
                return StepResult.waiting(Progress.NONE, "waiting", NEXT_LOOK);
            }
            return StepResult.done(Progress.NONE, "{}");
        }, (job, reason, passing) -> { })), SETTINGS, clock, "worker");
        String id = jobs.submit(JobKind.DOWNLOAD_ALL_BUILD, "wedding", Map.of(), false).job().id();

        assertThat(runner.run(id, clock.instant().plus(NEXT_LOOK))).isEqualTo(JobRunner.Outcome.WAITING);
        assertThat(dispatched).as("a running job is not dispatched by a wake: its worker goes on").isEmpty();
        Job waiting = store.find(id).orElseThrow();
        assertThat(waiting.state()).isEqualTo(JobState.QUEUED);
        assertThat(waiting.notBefore()).as("due at once, not at its next look").isBeforeOrEqualTo(clock.instant());

        assertThat(runner.run(id, clock.instant().plus(NEXT_LOOK))).isEqualTo(JobRunner.Outcome.FINISHED);
        assertThat(looks).hasValue(2);
    }

    @Test
    void aWakeAfterTheWorkerScheduledTheNextLook_runsTheJobNow() {
        queue = new LocalJobQueue(2, clock);
        Jobs jobs = new Jobs(store, queue, SETTINGS, clock);
        AtomicInteger looks = new AtomicInteger();
        JobRunner runner = new JobRunner(store, Map.of(JobKind.DOWNLOAD_ALL_BUILD, JobStep.of((job, deadline) ->
                StepResult.done(Progress.of("looked", looks.incrementAndGet(), 1, "looks"), "{}"),
                (job, reason, passing) -> { })), SETTINGS, clock, "worker");
        queue.attach(new JobWorker(runner, store, queue, clock));
        String id = jobs.submit(JobKind.DOWNLOAD_ALL_BUILD, "wedding", Map.of(), false).job().id();

        queue.dispatch(id, NEXT_LOOK); // what the worker does for a job that goes to wait
        queue.dispatch(id, Duration.ZERO); // what the wake does

        await().atMost(Duration.ofSeconds(20)).until(() -> store.find(id).orElseThrow().state().finished());
        assertThat(looks).hasValue(1);
    }

    @Test
    void buildsComplete_whenTheirLastPartIsIn_notAtTheirNextLook() {
        queue = new LocalJobQueue(2, clock);
        Jobs jobs = new Jobs(store, queue, SETTINGS, clock);
        int builds = 12;
        int parts = 3;
        Map<String, AtomicInteger> partsIn = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> looks = new ConcurrentHashMap<>();
        JobStep build = JobStep.of((job, deadline) -> {
            if (job.checkpoint() == null) { // fan out, then wait for the parts (the worker is freed meanwhile)
                for (int part = 1; part <= parts; part++) {
                    jobs.submit(JobKind.DOWNLOAD_ALL_PART, job.id() + "/" + part, new PartOf(job.id()));
                }
                return StepResult.progress(Progress.NONE, "waiting");
            }
            looks.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
            int in = partsIn.computeIfAbsent(job.id(), k -> new AtomicInteger()).get();
            return in == parts ? StepResult.done(Progress.NONE, "{}")
                    : StepResult.waiting(Progress.of("writing parts", in, parts, "parts"), "waiting", NEXT_LOOK);
        }, (job, reason, passing) -> { });
        JobStep part = JobStep.of((job, deadline) -> {
            String parent = JobJson.read(job.params(), PartOf.class).parent();
            if (partsIn.computeIfAbsent(parent, k -> new AtomicInteger()).incrementAndGet() == parts) {
                jobs.wake(parent); // the last part in
            }
            return StepResult.done(Progress.NONE, "{}");
        }, (job, reason, passing) -> { });
        JobRunner runner = new JobRunner(store, Map.of(JobKind.DOWNLOAD_ALL_BUILD, build, JobKind.DOWNLOAD_ALL_PART, part),
                SETTINGS, clock, "worker");
        queue.attach(new JobWorker(runner, store, queue, clock));

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < builds; i++) {
            ids.add(jobs.submit(JobKind.DOWNLOAD_ALL_BUILD, "event-" + i, Map.of()).job().id());
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream()
                .allMatch(id -> store.find(id).orElseThrow().state().finished()));
        for (String id : ids) {
            Job done = store.find(id).orElseThrow();
            assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(looks.get(id).get()).as("looks of %s: one after the fan-out, one when woken", id)
                    .isBetween(1, 2);
        }
    }
}
