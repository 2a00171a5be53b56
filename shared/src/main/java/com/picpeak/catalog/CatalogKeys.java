package com.picpeak.catalog;

import java.time.Instant;

/**
 * Every key shape of the catalog's one DynamoDB table, as {@code storage/Keys} is for storage keys: the stores
 * build their keys here and nowhere else. Keys are strings {@code pk} and {@code sk}; the one global secondary
 * index {@link #GSI1} has {@code gsi1pk} and {@code gsi1sk}.
 *
 * <table>
 *   <caption>The table's rows</caption>
 *   <tr><th>pk</th><th>sk</th><th>gsi1pk / gsi1sk</th><th>row</th><th>kept by</th></tr>
 *   <tr><td>EVENT#slug</td><td>EVENT</td><td>EVENTS / slug</td><td>the event</td><td>EventRows</td></tr>
 *   <tr><td>EVENT#slug</td><td>PHOTO#id</td><td></td><td>a photo (ids sort by upload time)</td><td>PhotoRows</td></tr>
 *   <tr><td>EVENT#slug</td><td>SHA256#hex</td><td></td><td>claim on the bytes: one photo per content per
 *       event</td><td>PhotoRows</td></tr>
 *   <tr><td>EVENT#slug</td><td>FILE#name</td><td></td><td>claim on a file name (lease and token while importing,
 *       photoId once imported, tombstone once deleted)</td><td>FileClaimRows</td></tr>
 *   <tr><td>EVENT#slug</td><td>ARCHIVE#variant#revision</td><td></td><td>a Download All record (revision zero-padded
 *       to 12 digits)</td><td>DownloadAllRows</td></tr>
 *   <tr><td>EVENT#slug</td><td>SIGHT#name</td><td></td><td>an auto-import sighting</td><td>AutoImportState</td></tr>
 *   <tr><td>EVENT#slug</td><td>PUSH#name</td><td></td><td>the last storage notification applied</td><td>AutoImportState</td></tr>
 *   <tr><td>EVENT#slug</td><td>EXTERNAL</td><td>EXTERNAL_FOLDERS / slug</td><td>the event's referenced
 *       folder</td><td>AutoImportState</td></tr>
 *   <tr><td>EVENT#slug</td><td>GUEST#id</td><td></td><td>a guest of the event (name, email, session
 *       generation)</td><td>GuestStore</td></tr>
 *   <tr><td>EVENT#slug</td><td>GUESTNAME#name</td><td></td><td>the guest a name (folded to lower case) signs in
 *       as</td><td>GuestStore</td></tr>
 *   <tr><td>EVENT#slug</td><td>GUESTPIN#hash</td><td></td><td>the guest a PIN (a keyed hash of it) signs in
 *       as</td><td>GuestStore</td></tr>
 *   <tr><td>EVENT#slug</td><td>SELECTION#owner</td><td></td><td>a selection: its count of favourites, sent or
 *       not, the note (owner: g-guest id, or s-session id without identity)</td><td>FavouriteStore</td></tr>
 *   <tr><td>EVENT#slug</td><td>FAV#owner#photoId</td><td></td><td>one favourite of a selection</td>
 *       <td>FavouriteStore</td></tr>
 *   <tr><td>EVENT#slug</td><td>DOWNLOADS#downloader</td><td></td><td>the distinct photos one downloader (a guest,
 *       or the whole gallery) was granted under the event's download limit</td><td>DownloadLimits</td></tr>
 *   <tr><td>EVENT#slug</td><td>ACTIVITY#hour#downloader</td><td></td><td>one downloader's views and downloads in one
 *       clock hour (counters added to, per photo too; ttl)</td><td>ActivityCounts</td></tr>
 *   <tr><td>AUTOIMPORT</td><td>LAST_POLL</td><td></td><td>the last poll's report</td><td>AutoImportState</td></tr>
 *   <tr><td>JOB#id</td><td>JOB</td><td>JOBS / createdAt#id</td><td>a job</td><td>JobStore</td></tr>
 *   <tr><td>JOBLOCK#group#target</td><td>LOCK</td><td></td><td>held by the one unfinished job of a group and
 *       target</td><td>JobStore (PhotoRows checks the event group's)</td></tr>
 *   <tr><td>ZIPPARTS#key#uploadId</td><td>HEAD</td><td></td><td>parts written and failed of a zip built by part
 *       jobs (ttl)</td><td>ZipParts</td></tr>
 *   <tr><td>ZIPPARTS#key#uploadId</td><td>PART#n</td><td></td><td>one part: its MD5 and the CRC-32 pieces of the
 *       photos its edges cut, or why its job failed (ttl)</td><td>ZipParts</td></tr>
 *   <tr><td>ACCESS#token</td><td>ACCESS</td><td></td><td>an image access token</td><td>ProtectionStore</td></tr>
 *   <tr><td>FINGERPRINT#id</td><td>FP</td><td></td><td>the access log of one fingerprint</td><td>ProtectionStore</td></tr>
 *   <tr><td>RATE#client#minute</td><td>RATE</td><td></td><td>image requests of one client in one
 *       minute</td><td>ProtectionStore</td></tr>
 *   <tr><td>RENDITION#slug#photoId</td><td>tier-version</td><td></td><td>the claim (with a lease) of whoever makes
 *       that rendition now</td><td>RenditionClaims</td></tr>
 *   <tr><td>GUESS#slug</td><td>CLIENT#client</td><td></td><td>one client's wrong passwords at a
 *       gallery</td><td>GuessStore</td></tr>
 *   <tr><td>GUESS#slug</td><td>HOUR#hour</td><td></td><td>every client's wrong passwords at a gallery in one clock
 *       hour</td><td>GuessStore</td></tr>
 *   <tr><td>GUESS#slug</td><td>CHECKS</td><td></td><td>the gallery's budget of checked passwords (a token
 *       bucket)</td><td>GuessStore</td></tr>
 *   <tr><td>APITOKENS</td><td>TOKEN#id</td><td></td><td>a scoped API token (its secret's hash)</td><td>ApiTokens</td></tr>
 *   <tr><td>APITOKEN_USE#id</td><td>time#random</td><td></td><td>one use of a token (ttl)</td><td>ApiTokens</td></tr>
 *   <tr><td>APITOKEN_RATE#id</td><td>MINUTE#minute</td><td></td><td>a token's uses in one minute (ttl)</td><td>ApiTokens</td></tr>
 *   <tr><td>WEBHOOKS</td><td>ENDPOINT#id</td><td></td><td>a webhook endpoint</td><td>WebhookStore</td></tr>
 *   <tr><td>WEBHOOK_PENDING</td><td>delivery id</td><td></td><td>a delivery still to be made</td><td>WebhookStore</td></tr>
 *   <tr><td>WEBHOOK_LOG#endpoint</td><td>delivery id</td><td></td><td>a finished delivery</td><td>WebhookStore</td></tr>
 *   <tr><td>SETTINGS</td><td>SERVER_SECRET</td><td></td><td>the server secret</td><td>ServerSecret</td></tr>
 *   <tr><td>SCHEDULE</td><td>schedule name</td><td></td><td>the last interval of a timer taken by a process (the
 *       walker's polls, the daily sweep, the expired-item scan of local mode)</td><td>ScheduledRuns</td></tr>
 * </table>
 *
 * <p>Every row of an event shares its partition, so deleting the event removes them with it and a photo id of
 * another event cannot be found. A job's lock lives apart from the event it is about, so deleting the event's
 * rows cannot drop it. Rows carrying {@code ttl} (epoch seconds) expire.
 */
public final class CatalogKeys {
    /** The table's one global secondary index (gsi1pk, gsi1sk). */
    public static final String GSI1 = "gsi1";

    public static final String EVENT_SK = "EVENT";
    /** gsi1pk of every event row: the admin list, in slug order. */
    public static final String EVENTS_GSI_PK = "EVENTS";
    public static final String PHOTO_PREFIX = "PHOTO#";
    public static final String SHA256_PREFIX = "SHA256#";
    public static final String FILE_PREFIX = "FILE#";
    /**
     * The Download All records' sort keys. Stored as {@code ARCHIVE#} since before "archive" came to mean retiring an
     * event ({@code eventarchive}); kept, so that the rows already written are read.
     */
    public static final String DOWNLOAD_ALL_PREFIX = "ARCHIVE#";
    public static final String SIGHT_PREFIX = "SIGHT#";
    /** The last storage notification applied to a file of the event (push import: order and replays). */
    public static final String PUSH_PREFIX = "PUSH#";
    public static final String GUEST_PREFIX = "GUEST#";
    public static final String GUEST_NAME_PREFIX = "GUESTNAME#";
    public static final String GUEST_PIN_PREFIX = "GUESTPIN#";
    public static final String SELECTION_PREFIX = "SELECTION#";
    public static final String FAVOURITE_PREFIX = "FAV#";
    public static final String EXTERNAL_SK = "EXTERNAL";
    public static final String DOWNLOADS_PREFIX = "DOWNLOADS#";
    /** Activity counters: {@code ACTIVITY#<hour yyyy-MM-ddTHH>#<downloader>}, so an hour range is one key range. */
    public static final String ACTIVITY_PREFIX = "ACTIVITY#";
    /** gsi1pk of every event that references an external folder. */
    public static final String EXTERNAL_FOLDERS_GSI_PK = "EXTERNAL_FOLDERS";
    public static final String AUTOIMPORT_PK = "AUTOIMPORT";
    public static final String LAST_POLL_SK = "LAST_POLL";

    public static final String JOB_SK = "JOB";
    /** gsi1pk of every job: the admin list, newest first. */
    public static final String JOBS_GSI_PK = "JOBS";
    /** The sort key of every lock row. */
    public static final String LOCK_SK = "LOCK";
    /** The exclusion group of the jobs that change a whole event (archive, restore, delete). */
    public static final String EVENT_JOBS = "event";

    public static final String ACCESS_SK = "ACCESS";
    public static final String FINGERPRINT_SK = "FP";
    public static final String RATE_SK = "RATE";

    public static final String WEBHOOKS_PK = "WEBHOOKS";
    public static final String ENDPOINT_PREFIX = "ENDPOINT#";
    public static final String WEBHOOK_PENDING_PK = "WEBHOOK_PENDING";

    /** The head row of a zip's parts: how many are written and how many failed for good. */
    public static final String ZIP_PARTS_HEAD_SK = "HEAD";
    public static final String ZIP_PART_PREFIX = "PART#";

    public static final String SETTINGS_PK = "SETTINGS";
    public static final String SERVER_SECRET_SK = "SERVER_SECRET";
    /** The partition of the timers' last taken intervals (sort key: the schedule's name). */
    public static final String SCHEDULE_PK = "SCHEDULE";

    private CatalogKeys() {
    }

    // ---- an event's partition ----

    public static String eventPk(String slug) {
        return "EVENT#" + slug;
    }

    public static String photoSk(String photoId) {
        return PHOTO_PREFIX + photoId;
    }

    public static String sha256Sk(String sha256) {
        return SHA256_PREFIX + sha256;
    }

    public static String fileSk(String filename) {
        return FILE_PREFIX + filename;
    }

    /** The file name a {@code FILE#} sort key claims. */
    public static String filenameOf(String fileSk) {
        return fileSk.substring(FILE_PREFIX.length());
    }

    /** The sort keys of a variant's Download All records begin with this. */
    public static String downloadAllPrefix(String variant) {
        return DOWNLOAD_ALL_PREFIX + variant + "#";
    }

    public static String downloadAllSk(String variant, long revision) {
        return downloadAllPrefix(variant) + String.format("%012d", revision);
    }

    public static String sightSk(String filename) {
        return SIGHT_PREFIX + filename;
    }

    public static String pushSk(String filename) {
        return PUSH_PREFIX + filename;
    }

    /** The file name a {@code SIGHT#} sort key is about. */
    public static String sightedFilename(String sightSk) {
        return sightSk.substring(SIGHT_PREFIX.length());
    }

    // ---- guests and their selections (an event's partition) ----

    public static String guestSk(String guestId) {
        return GUEST_PREFIX + guestId;
    }

    /** @param foldedName the guest's name as compared: stripped, lower case */
    public static String guestNameSk(String foldedName) {
        return GUEST_NAME_PREFIX + foldedName;
    }

    public static String guestPinSk(String pinHash) {
        return GUEST_PIN_PREFIX + pinHash;
    }

    /** @param owner {@code g-<guest id>}, or {@code s-<session id>} in a gallery without guest identity */
    public static String selectionSk(String owner) {
        return SELECTION_PREFIX + owner;
    }

    /** The sort keys of one selection's favourites begin with this. */
    public static String favouritesPrefix(String owner) {
        return FAVOURITE_PREFIX + owner + "#";
    }

    public static String favouriteSk(String owner, String photoId) {
        return favouritesPrefix(owner) + photoId;
    }

    // ---- jobs ----

    public static String jobPk(String jobId) {
        return "JOB#" + jobId;
    }

    /** gsi1sk of a job: the admin list sorts by creation time. */
    public static String jobsGsiSk(Instant createdAt, String jobId) {
        return createdAt + "#" + jobId;
    }

    // ---- the parts of a zip built in parallel ----

    /** The rows of one unfinished object's parts ({@code zip.ZipParts}): a head counting them, one row per part. */
    public static String zipPartsPk(String key, String uploadId) {
        return "ZIPPARTS#" + key + "#" + uploadId;
    }

    /** The sort key of a part's row; parts sort by number. */
    public static String zipPartSk(int part) {
        return String.format(ZIP_PART_PREFIX + "%05d", part);
    }

    /** The lock row held by the one unfinished job of a group and target. */
    public static String jobLockPk(String group, String target) {
        return "JOBLOCK#" + group + "#" + target;
    }

    // ---- image protection ----

    public static String accessPk(String token) {
        return "ACCESS#" + token;
    }

    public static String fingerprintPk(String fingerprintId) {
        return "FINGERPRINT#" + fingerprintId;
    }

    public static String ratePk(String clientHash, long minute) {
        return "RATE#" + clientHash + "#" + minute;
    }

    // ---- rendition tiers ----

    public static String renditionClaimPk(String slug, String photoId) {
        return "RENDITION#" + slug + "#" + photoId;
    }

    // ---- password guesses ----

    // ---- download limits ----

    /** The row of the photos one downloader was granted under the event's limit (in the event's partition). */
    public static String downloadsSk(String downloaderKey) {
        return DOWNLOADS_PREFIX + downloaderKey;
    }

    /** The downloader key a {@code DOWNLOADS#} sort key names. */
    public static String downloaderOf(String downloadsSk) {
        return downloadsSk.substring(DOWNLOADS_PREFIX.length());
    }

    /** One downloader's activity counters of one clock hour ({@code hour}: {@code yyyy-MM-ddTHH}, UTC). */
    public static String activitySk(String hour, String activityKey) {
        return ACTIVITY_PREFIX + hour + "#" + activityKey;
    }

    // ---- API tokens ----

    public static final String API_TOKENS_PK = "APITOKENS";
    public static final String API_TOKEN_PREFIX = "TOKEN#";

    public static String apiTokenSk(String tokenId) {
        return API_TOKEN_PREFIX + tokenId;
    }

    /** The token id a {@code TOKEN#} sort key names. */
    public static String apiTokenIdOf(String apiTokenSk) {
        return apiTokenSk.substring(API_TOKEN_PREFIX.length());
    }

    public static String apiTokenUsePk(String tokenId) {
        return "APITOKEN_USE#" + tokenId;
    }

    public static String apiTokenRatePk(String tokenId) {
        return "APITOKEN_RATE#" + tokenId;
    }

    public static String minuteSk(long minute) {
        return "MINUTE#" + minute;
    }

    public static String guessPk(String slug) {
        return "GUESS#" + slug;
    }

    public static String guessClientSk(String clientHash) {
        return "CLIENT#" + clientHash;
    }

    public static String guessHourSk(long hour) {
        return "HOUR#" + hour;
    }

    public static String guessChecksSk() {
        return "CHECKS";
    }

    // ---- webhooks ----

    public static String endpointSk(String endpointId) {
        return ENDPOINT_PREFIX + endpointId;
    }

    /** The endpoint id an {@code ENDPOINT#} sort key names. */
    public static String endpointIdOf(String endpointSk) {
        return endpointSk.substring(ENDPOINT_PREFIX.length());
    }

    public static String webhookLogPk(String endpointId) {
        return "WEBHOOK_LOG#" + endpointId;
    }
}
