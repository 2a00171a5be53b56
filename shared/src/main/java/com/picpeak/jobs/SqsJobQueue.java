package com.picpeak.jobs;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.utils.Lazy;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The serverless shape's jobs: one SQS message {@code {"jobId": ...}} per delivery; the worker function
 * receives it through an event source mapping whose maximum concurrency bounds the workers. A worker that
 * dies (a crash, the function's timeout) leaves its message undeleted, so SQS delivers it again after the
 * visibility timeout, and the job is taken over from its last checkpoint; after {@code maxReceiveCount}
 * deliveries that could not even reach the catalog it goes to the dead-letter queue (and an alarm).
 */
public final class SqsJobQueue implements JobQueue {
    /** SQS delays a message by at most 15 minutes. */
    static final long MAX_DELAY_SECONDS = 900;

    private final Lazy<SqsClient> sqs;
    private final String queueUrl;

    public SqsJobQueue(SqsClient sqs, String queueUrl) {
        this(() -> sqs, queueUrl);
    }

    /** The client is built at the first message (a function that never submits a job never pays for it). */
    public SqsJobQueue(Supplier<SqsClient> sqs, String queueUrl) {
        this.sqs = new Lazy<>(sqs);
        this.queueUrl = queueUrl;
    }

    @Override
    public void dispatch(String jobId, Duration delay) {
        int seconds = (int) Math.min(MAX_DELAY_SECONDS, Math.max(0, (delay.toMillis() + 999) / 1000));
        try {
            sqs.getValue().sendMessage(b -> b.queueUrl(queueUrl).messageBody(message(jobId)).delaySeconds(seconds));
        } catch (SdkException e) {
            throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "job " + jobId + " is saved but could not be "
                    + "queued (" + e.getMessage() + "): the next request for it, or the daily sweep, queues it again", e);
        }
    }


    /**
     * Reads the queue's attributes (its message counts): builds the SQS client and opens its connection without
     * sending anything (SnapStart priming).
     */
    public void probe() {
        sqs.getValue().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings("ApproximateNumberOfMessages"));
    }

    public static String message(String jobId) {
        return "{\"jobId\":\"" + jobId + "\"}";
    }

    /** The job id of a message body, or null when it is not one of ours. */
    public static String jobIdOf(String body) {
        JobMessage message = JobJson.read(body, JobMessage.class);
        return message == null ? null : message.jobId();
    }

    public record JobMessage(String jobId) {
    }
}
