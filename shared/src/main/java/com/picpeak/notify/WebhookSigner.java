package com.picpeak.notify;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The signature receivers check: hex HMAC-SHA256 of {@code <timestamp>.<raw request body>}, keyed by the
 * endpoint's secret, where the timestamp is the {@value #TIMESTAMP_HEADER} header. The timestamp is signed, so a
 * captured delivery cannot be replayed later with a fresh one: a receiver that refuses old timestamps refuses it.
 */
public final class WebhookSigner {
    public static final String EVENT_HEADER = "X-PicPeak-Event";
    public static final String DELIVERY_HEADER = "X-PicPeak-Delivery";
    public static final String SIGNATURE_HEADER = "X-PicPeak-Signature";
    /** Unix seconds of the attempt, covered by the signature, so receivers can refuse replays of old deliveries. */
    public static final String TIMESTAMP_HEADER = "X-PicPeak-Timestamp";

    private WebhookSigner() {
    }

    /** The {@value #SIGNATURE_HEADER} of a delivery attempt made at {@code timestampSeconds} (Unix seconds). */
    public static String sign(String secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
