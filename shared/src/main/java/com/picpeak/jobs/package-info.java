/**
 * Long work as jobs: a catalog record per job (kind, target, state, attempts, lease, progress, checkpoint),
 * one unfinished job per kind and target (a lock row), run in steps that end before a deadline and checkpoint,
 * resumed by whoever takes an expired lease; dispatched through the {@link com.picpeak.jobs.JobQueue} port (SQS
 * in AWS, a bounded local executor in local mode). The steps themselves come from the packages that own the work;
 * {@code app} maps them to job kinds.
 *
 * <p>May import {@code catalog}, {@code storage} (its configuration helpers), {@code metrics} and {@code error}. Must not import
 * the packages whose steps it runs (zip, downloadall, eventarchive, gallery, autoimport): they depend on it.
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.jobs;
