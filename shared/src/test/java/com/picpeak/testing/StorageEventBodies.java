package com.picpeak.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Storage notifications as the stores document them, for tests: S3 through EventBridge (S3 User Guide, "EventBridge
 * event message structure": {@code detail.object.key} as stored), S3 event records ("Event message structure": the
 * key URL-encoded, {@code +} for a space), S3's {@code s3:TestEvent}, and MinIO's webhook envelope
 * ({@code EventName}, {@code Key} = bucket/key, the same records).
 */
public final class StorageEventBodies {
    private StorageEventBodies() {
    }

    /** {@code detailType}: "Object Created" or "Object Deleted". */
    public static String eventBridge(String detailType, String bucket, String key, long size, String etag,
                                     String versionId, String sequencer) {
        String object = detailType.equals("Object Deleted")
                ? "{\"key\":\"" + json(key) + "\",\"version-id\":\"" + versionId + "\",\"sequencer\":\"" + sequencer + "\"}"
                : "{\"key\":\"" + json(key) + "\",\"size\":" + size + ",\"etag\":\"" + etag + "\",\"version-id\":\""
                + versionId + "\",\"sequencer\":\"" + sequencer + "\"}";
        String reason = detailType.equals("Object Deleted") ? "\"reason\":\"DeleteObject\",\"deletion-type\":"
                + "\"Delete Marker Created\"" : "\"reason\":\"PutObject\"";
        return "{\"version\":\"0\",\"id\":\"17793124-05d4-b198-2fde-7ededc63b103\",\"detail-type\":\"" + detailType
                + "\",\"source\":\"aws.s3\",\"account\":\"111122223333\",\"time\":\"2026-12-07T10:00:00Z\","
                + "\"region\":\"eu-west-1\",\"resources\":[\"arn:aws:s3:::" + bucket + "\"],\"detail\":{\"version\":\"0\","
                + "\"bucket\":{\"name\":\"" + bucket + "\"},\"object\":" + object + ",\"request-id\":\"N4N7GDK58NMKJ12R\","
                + "\"requester\":\"123456789012\",\"source-ip-address\":\"1.2.3.4\"," + reason + "}}";
    }

    /** One S3 event record ({@code eventName} e.g. "ObjectCreated:Put", "ObjectRemoved:Delete"). */
    public static String s3Record(String eventName, String bucket, String key, long size, String etag, String sequencer) {
        return "{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-west-2\","
                + "\"eventTime\":\"2026-12-07T10:00:00.000Z\",\"eventName\":\"" + eventName + "\","
                + "\"userIdentity\":{\"principalId\":\"AWS:AIDAEXAMPLE\"},\"requestParameters\":{\"sourceIPAddress\":\"127.0.0.1\"},"
                + "\"responseElements\":{\"x-amz-request-id\":\"C3D13FE58DE4C810\",\"x-amz-id-2\":\"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD\"},"
                + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"configurationId\":\"picpeak\",\"bucket\":{\"name\":\"" + bucket
                + "\",\"ownerIdentity\":{\"principalId\":\"A3NL1KOZZKExample\"},\"arn\":\"arn:aws:s3:::" + bucket + "\"},"
                + "\"object\":{\"key\":\"" + encode(key) + "\",\"size\":" + size + ",\"eTag\":\"" + etag
                + "\",\"sequencer\":\"" + sequencer + "\"}}}";
    }

    public static String s3Records(String... records) {
        return "{\"Records\":[" + String.join(",", records) + "]}";
    }

    /** What S3 sends when a notification configuration is set up. */
    public static String s3TestEvent(String bucket) {
        return "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-12-07T10:00:00.000Z\","
                + "\"Bucket\":\"" + bucket + "\",\"RequestId\":\"5582815E1AEA5ADF\",\"HostId\":\"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE\"}";
    }

    /** MinIO's webhook body: its own envelope around one S3 event record ({@code eventName} with "s3:"). */
    public static String minio(String eventName, String bucket, String key, long size, String etag, String sequencer) {
        String record = "{\"eventVersion\":\"2.0\",\"eventSource\":\"minio:s3\",\"awsRegion\":\"\","
                + "\"eventTime\":\"2026-12-07T10:00:00.000Z\",\"eventName\":\"" + eventName + "\","
                + "\"userIdentity\":{\"principalId\":\"minioadmin\"},\"requestParameters\":{\"principalId\":\"minioadmin\","
                + "\"region\":\"\",\"sourceIPAddress\":\"127.0.0.1\"},\"responseElements\":{\"x-amz-id-2\":\"dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8\","
                + "\"x-amz-request-id\":\"17A2B7C5E8F5D1B0\",\"x-minio-deployment-id\":\"d9f4c1f5\",\"x-minio-origin-endpoint\":\"http://127.0.0.1:9000\"},"
                + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"configurationId\":\"Config\",\"bucket\":{\"name\":\"" + bucket
                + "\",\"ownerIdentity\":{\"principalId\":\"minioadmin\"},\"arn\":\"arn:aws:s3:::" + bucket + "\"},"
                + "\"object\":{\"key\":\"" + encode(key) + "\",\"size\":" + size + ",\"eTag\":\"" + etag
                + "\",\"contentType\":\"image/jpeg\",\"userMetadata\":{\"content-type\":\"image/jpeg\"},"
                + "\"sequencer\":\"" + sequencer + "\"}},\"source\":{\"host\":\"127.0.0.1\",\"port\":\"\","
                + "\"userAgent\":\"MinIO (linux; amd64) minio-go/v7.0.70 mc/RELEASE.2024-06-12T14-34-03Z\"}}";
        return "{\"EventName\":\"" + eventName + "\",\"Key\":\"" + bucket + "/" + encode(key) + "\",\"Records\":["
                + record + "]}";
    }

    /** As S3 writes a key in an event record: URL-encoded, a space as {@code +}, {@code /} kept. */
    public static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
