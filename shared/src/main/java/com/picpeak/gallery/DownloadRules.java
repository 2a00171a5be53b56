package com.picpeak.gallery;

import com.picpeak.catalog.Event;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

/**
 * The download protection rules, in one place so that no route can bypass them:
 * <ul>
 *   <li>direct S3 download (a forwardable presigned URL of the original archive) needs the S3 backend;</li>
 *   <li>it cannot be turned on while downloads are watermarked (409);</li>
 *   <li>turning watermarking on turns it off, and turning watermarking off again does not turn it back on.</li>
 * </ul>
 */
public final class DownloadRules {

    private DownloadRules() {
    }

    /** The download flags after a change: {@code [watermarkDownloads, allowDirectS3Download]}. */
    public static boolean[] apply(Event current, Boolean watermarkRequested, Boolean directRequested,
                                  boolean backendCanPresign) {
        boolean watermark = watermarkRequested != null ? watermarkRequested : current.watermarkDownloads();
        boolean direct = current.allowDirectS3Download();
        if (Boolean.TRUE.equals(directRequested)) {
            if (!backendCanPresign) {
                throw new PicPeakException(ErrorCode.CONFLICT, "direct S3 download needs STORAGE_BACKEND=s3: "
                        + "the local backend serves every download through the server");
            }
            if (watermark) {
                throw new PicPeakException(ErrorCode.CONFLICT, "direct S3 download cannot be turned on while "
                        + "downloads are watermarked: its archive would be the unwatermarked originals. "
                        + "Turn off \"watermarkDownloads\" first");
            }
            direct = true;
        } else if (Boolean.FALSE.equals(directRequested)) {
            direct = false;
        }
        if (watermark && !current.watermarkDownloads()) {
            direct = false; // watermarking was just turned on: it wins, for good
        }
        return new boolean[] {watermark, direct};
    }
}
