package com.picpeak.storage;

import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ContentDispositionTest {

    /** What a browser saves the file as: the RFC 5987 form wins over the ASCII fallback where it is understood. */
    private static String offered(String header) {
        String encoded = header.substring(header.indexOf("filename*=UTF-8''") + "filename*=UTF-8''".length());
        return URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String fallback(String header) {
        int start = header.indexOf("filename=\"") + "filename=\"".length();
        return header.substring(start, header.indexOf('"', start));
    }

    @Test
    void bothNames_followTheZipsSafeNameRule_soASingleDownloadIsSavedAsTheArchiveWouldUnpackIt() {
        for (String[] c : new String[][]{
                {"CON.jpg", "CO_.jpg"}, {"invoice\u202Egpj.exe", "invoice___gpj.exe"}, {"x\u2066y\u200Fz.jpg", "x___y___z.jpg"},
                {"aux .jpg", "au_ .jpg"}, {"dots.jpg.", "dots.jpg_"}, {"C:evil.jpg", "C_evil.jpg"},
                {"a<b>c\"d|e?f*.jpg", "a_b_c_d_e_f_.jpg"}}) {
            String header = ContentDisposition.attachment(c[0]);
            assertThat(offered(header)).as(c[0]).isEqualTo(c[1]).isEqualTo(SafeNames.safe(c[0]));
            assertThat(fallback(header)).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void ordinaryNames_areOfferedAsTheyAre_nonAsciiInTheUtf8FormOnly() {
        String header = ContentDisposition.attachment("Hochzeit Überraschung 😀.jpg");
        assertThat(offered(header)).isEqualTo("Hochzeit Überraschung 😀.jpg");
        assertThat(fallback(header)).isEqualTo("Hochzeit _berraschung _.jpg");
        assertThat(ContentDisposition.attachment("IMG_1.jpg"))
                .isEqualTo("attachment; filename=\"IMG_1.jpg\"; filename*=UTF-8''IMG_1.jpg");
    }
}
