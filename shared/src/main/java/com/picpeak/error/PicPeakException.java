package com.picpeak.error;

/** The one domain exception: an {@link ErrorCode} plus a message that says what is wrong and what to do. */
public class PicPeakException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode errorCode;

    public PicPeakException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public PicPeakException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }
}
