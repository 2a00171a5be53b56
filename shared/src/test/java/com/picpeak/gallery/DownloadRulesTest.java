package com.picpeak.gallery;

import com.picpeak.catalog.Event;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The download protection rules hold in the model, whatever route changes an event. */
class DownloadRulesTest {

    @Test
    void directDownload_canBeTurnedOnWithS3AndNoWatermark() {
        assertThat(DownloadRules.apply(event(false, false), null, true, true)).containsExactly(false, true);
    }

    @Test
    void directDownload_isRefusedWhileWatermarked_orWhenTurnedOnTogetherWithIt() {
        assertConflict(() -> DownloadRules.apply(event(true, false), null, true, true), "watermarked");
        assertConflict(() -> DownloadRules.apply(event(false, false), true, true, true), "watermarked");
    }

    @Test
    void directDownload_isRefusedOnTheLocalBackend() {
        assertConflict(() -> DownloadRules.apply(event(false, false), null, true, false), "STORAGE_BACKEND=s3");
    }

    @Test
    void turningWatermarkingOn_turnsDirectDownloadOff_andTurningItOffDoesNotBringItBack() {
        boolean[] on = DownloadRules.apply(event(false, true), true, null, true);
        assertThat(on).containsExactly(true, false);

        boolean[] offAgain = DownloadRules.apply(event(on[0], on[1]), false, null, true);
        assertThat(offAgain).containsExactly(false, false);
    }

    @Test
    void unrelatedChanges_keepTheFlags() {
        assertThat(DownloadRules.apply(event(false, true), null, null, true)).containsExactly(false, true);
        assertThat(DownloadRules.apply(event(true, false), null, false, true)).containsExactly(true, false);
    }

    private static Event event(boolean watermark, boolean direct) {
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        return new Event("e", "E", null, null, true, true, watermark, direct, 0, null, null, 0, now, now, null);
    }

    private static void assertConflict(ThrowableAssert.ThrowingCallable call, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PicPeakException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
