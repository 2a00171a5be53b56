package com.picpeak.api;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListPartsRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.util.ArrayList;
import java.util.List;

import static com.picpeak.api.DeployedTemplate.ACCOUNT;
import static com.picpeak.api.DeployedTemplate.REGION;

/**
 * What IAM authorizes for one SDK call, as the services' "actions, resources and condition keys" pages say: the
 * action and the resource ARN of each check. Some calls need several: a copy reads its source and writes its
 * target, a transaction checks each item's own action ({@code PutItem}, {@code ConditionCheckItem}, ...: there is no
 * {@code TransactWriteItems} action), a multipart upload is {@code s3:PutObject}, a HEAD is {@code s3:GetObject}, a
 * query of an index is authorized on the index's ARN. A call not listed here is refused by the harness with a
 * message saying so, never let through unchecked.
 */
final class SdkCallAuthorizations {

    /** One authorization IAM makes for a call. */
    record Need(String action, String resource) {
    }

    private SdkCallAuthorizations() {
    }

    static List<Need> of(SdkRequest request) {
        List<Need> needs = new ArrayList<>();
        // S3
        if (request instanceof GetObjectRequest r) {
            needs.add(object(r.versionId() == null ? "s3:GetObject" : "s3:GetObjectVersion", r.bucket(), r.key()));
        } else if (request instanceof HeadObjectRequest r) {
            needs.add(object(r.versionId() == null ? "s3:GetObject" : "s3:GetObjectVersion", r.bucket(), r.key()));
        } else if (request instanceof PutObjectRequest r) {
            needs.add(object("s3:PutObject", r.bucket(), r.key()));
        } else if (request instanceof CopyObjectRequest r) {
            needs.add(object("s3:PutObject", r.destinationBucket(), r.destinationKey()));
            needs.add(copySource(r.sourceBucket(), r.sourceKey(), r.sourceVersionId(), r.copySource()));
        } else if (request instanceof CreateMultipartUploadRequest r) {
            needs.add(object("s3:PutObject", r.bucket(), r.key()));
        } else if (request instanceof UploadPartRequest r) {
            needs.add(object("s3:PutObject", r.bucket(), r.key()));
        } else if (request instanceof UploadPartCopyRequest r) {
            needs.add(object("s3:PutObject", r.destinationBucket(), r.destinationKey()));
            needs.add(copySource(r.sourceBucket(), r.sourceKey(), r.sourceVersionId(), r.copySource()));
        } else if (request instanceof CompleteMultipartUploadRequest r) {
            needs.add(object("s3:PutObject", r.bucket(), r.key()));
        } else if (request instanceof AbortMultipartUploadRequest r) {
            needs.add(object("s3:AbortMultipartUpload", r.bucket(), r.key()));
        } else if (request instanceof ListPartsRequest r) {
            needs.add(object("s3:ListMultipartUploadParts", r.bucket(), r.key()));
        } else if (request instanceof DeleteObjectRequest r) {
            needs.add(object(r.versionId() == null ? "s3:DeleteObject" : "s3:DeleteObjectVersion", r.bucket(), r.key()));
        } else if (request instanceof DeleteObjectsRequest r) {
            r.delete().objects().forEach(o -> needs.add(object(o.versionId() == null ? "s3:DeleteObject"
                    : "s3:DeleteObjectVersion", r.bucket(), o.key())));
        } else if (request instanceof ListObjectsV2Request r) {
            needs.add(new Need("s3:ListBucket", "arn:aws:s3:::" + r.bucket()));
        } else if (request instanceof ListObjectsRequest r) {
            needs.add(new Need("s3:ListBucket", "arn:aws:s3:::" + r.bucket()));
        } else if (request instanceof HeadBucketRequest r) {
            needs.add(new Need("s3:ListBucket", "arn:aws:s3:::" + r.bucket()));
        } else if (request instanceof ListMultipartUploadsRequest r) {
            needs.add(new Need("s3:ListBucketMultipartUploads", "arn:aws:s3:::" + r.bucket()));
        // DynamoDB
        } else if (request instanceof GetItemRequest r) {
            needs.add(table("dynamodb:GetItem", r.tableName()));
        } else if (request instanceof PutItemRequest r) {
            needs.add(table("dynamodb:PutItem", r.tableName()));
        } else if (request instanceof UpdateItemRequest r) {
            needs.add(table("dynamodb:UpdateItem", r.tableName()));
        } else if (request instanceof DeleteItemRequest r) {
            needs.add(table("dynamodb:DeleteItem", r.tableName()));
        } else if (request instanceof QueryRequest r) {
            needs.add(new Need("dynamodb:Query", tableArn(r.tableName()) + (r.indexName() == null ? "" : "/index/" + r.indexName())));
        } else if (request instanceof ScanRequest r) {
            needs.add(new Need("dynamodb:Scan", tableArn(r.tableName()) + (r.indexName() == null ? "" : "/index/" + r.indexName())));
        } else if (request instanceof BatchWriteItemRequest r) {
            r.requestItems().keySet().forEach(name -> needs.add(table("dynamodb:BatchWriteItem", name)));
        } else if (request instanceof BatchGetItemRequest r) {
            r.requestItems().keySet().forEach(name -> needs.add(table("dynamodb:BatchGetItem", name)));
        } else if (request instanceof TransactWriteItemsRequest r) {
            r.transactItems().forEach(item -> needs.add(transactItem(item)));
        } else if (request instanceof TransactGetItemsRequest r) {
            r.transactItems().forEach(item -> needs.add(table("dynamodb:GetItem", item.get().tableName())));
        // SQS
        } else if (request instanceof SendMessageRequest r) {
            needs.add(queue("sqs:SendMessage", r.queueUrl()));
        } else if (request instanceof SendMessageBatchRequest r) {
            needs.add(queue("sqs:SendMessage", r.queueUrl()));
        } else if (request instanceof ReceiveMessageRequest r) {
            needs.add(queue("sqs:ReceiveMessage", r.queueUrl()));
        } else if (request instanceof DeleteMessageRequest r) {
            needs.add(queue("sqs:DeleteMessage", r.queueUrl()));
        } else if (request instanceof DeleteMessageBatchRequest r) {
            needs.add(queue("sqs:DeleteMessage", r.queueUrl()));
        } else if (request instanceof ChangeMessageVisibilityRequest r) {
            needs.add(queue("sqs:ChangeMessageVisibility", r.queueUrl()));
        } else if (request instanceof ChangeMessageVisibilityBatchRequest r) {
            needs.add(queue("sqs:ChangeMessageVisibility", r.queueUrl()));
        } else if (request instanceof GetQueueAttributesRequest r) {
            needs.add(queue("sqs:GetQueueAttributes", r.queueUrl()));
        // EventBridge, Secrets Manager
        } else if (request instanceof PutEventsRequest r) {
            r.entries().forEach(entry -> needs.add(new Need("events:PutEvents", busArn(entry))));
        } else if (request instanceof GetSecretValueRequest r) {
            needs.add(new Need("secretsmanager:GetSecretValue", r.secretId()));
        } else {
            throw new IllegalArgumentException("the deployed-shape harness does not know what IAM checks for "
                    + request.getClass().getSimpleName() + ": add it to SdkCallAuthorizations");
        }
        return needs;
    }

    private static Need transactItem(TransactWriteItem item) {
        if (item.put() != null) {
            return table("dynamodb:PutItem", item.put().tableName());
        } else if (item.update() != null) {
            return table("dynamodb:UpdateItem", item.update().tableName());
        } else if (item.delete() != null) {
            return table("dynamodb:DeleteItem", item.delete().tableName());
        }
        return table("dynamodb:ConditionCheckItem", item.conditionCheck().tableName());
    }

    /**
     * The object a copy reads: from its source fields, or, once the SDK has folded them into the
     * {@code x-amz-copy-source} value ("bucket/key" URL-encoded, "?versionId=" for a version), from that.
     */
    private static Need copySource(String bucket, String key, String versionId, String copySource) {
        if (bucket == null && copySource != null) {
            String source = copySource.startsWith("/") ? copySource.substring(1) : copySource;
            int query = source.indexOf("?versionId=");
            if (query >= 0) {
                versionId = source.substring(query + "?versionId=".length());
                source = source.substring(0, query);
            }
            int slash = source.indexOf('/');
            bucket = source.substring(0, slash);
            key = java.net.URLDecoder.decode(source.substring(slash + 1).replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        }
        return object(versionId == null ? "s3:GetObject" : "s3:GetObjectVersion", bucket, key);
    }

    private static Need object(String action, String bucket, String key) {
        return new Need(action, "arn:aws:s3:::" + bucket + "/" + key);
    }

    private static Need table(String action, String tableName) {
        return new Need(action, tableArn(tableName));
    }

    private static String tableArn(String tableName) {
        return tableName.startsWith("arn:") ? tableName : "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + tableName;
    }

    private static Need queue(String action, String queueUrl) {
        return new Need(action, "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":" + DeployedTemplate.queueName(queueUrl));
    }

    private static String busArn(PutEventsRequestEntry entry) {
        String bus = entry.eventBusName() == null ? "default" : entry.eventBusName();
        return bus.startsWith("arn:") ? bus : "arn:aws:events:" + REGION + ":" + ACCOUNT + ":event-bus/" + bus;
    }
}
