package com.picpeak.error;

/** {@link ErrorCode#DOWNLOAD_LIMIT}, with how many photos the downloader may still download (the API's {@code remaining}). */
public class DownloadLimitException extends PicPeakException {
    private static final long serialVersionUID = 1L;
    private final int remaining;

    public DownloadLimitException(String message, int remaining) {
        super(ErrorCode.DOWNLOAD_LIMIT, message);
        this.remaining = remaining;
    }

    public int remaining() {
        return remaining;
    }
}
