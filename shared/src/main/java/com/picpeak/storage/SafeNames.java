package com.picpeak.storage;

import java.util.Locale;
import java.util.Set;

/**
 * The one rule for a file name handed to a guest's computer, whether as an entry of a zip (Download All, archives)
 * or as the name a single download is saved under ({@link ContentDisposition}): safe on any system, and never
 * reading as another name.
 */
public final class SafeNames {
    /** Characters Windows refuses in a file name ('/' and '\' too: a name must not make folders). */
    private static final String WINDOWS_REFUSED = "<>:\"|?*/\\";
    /** Names Windows gives to devices, whatever follows the first dot ({@code CON.jpg} is the console). */
    private static final Set<String> WINDOWS_DEVICES = Set.of("CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00b9", "COM\u00b2", "COM\u00b3",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u00b9", "LPT\u00b2", "LPT\u00b3");

    private SafeNames() {
    }

    /**
     * The name as it can be saved or unpacked on any system: what Windows refuses (the characters
     * {@code <>:"|?*}, controls, a device name such as {@code CON.jpg}, {@code C:evil.jpg}'s drive colon, a trailing
     * dot or space, which it drops) and the directional formatting characters that make a name read as another
     * (U+202E turns {@code invoice<U+202E>gpj.exe} into "invoiceexe.jpg" on screen) become '_', one for each byte
     * the character takes in UTF-8. So a name keeps its length, and with it every zip entry's offset: archives
     * written before read the same by their plan. Other names are left exactly as they are.
     */
    public static String safe(String name) {
        StringBuilder safe = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7F || WINDOWS_REFUSED.indexOf(c) >= 0 || isDirectionalFormatting(c)) {
                safe.append("_".repeat(utf8Length(c)));
            } else {
                safe.appendCodePoint(c);
            }
        });
        for (int i = safe.length() - 1; i >= 0 && (safe.charAt(i) == '.' || safe.charAt(i) == ' '); i--) {
            safe.setCharAt(i, '_');
        }
        int dot = safe.indexOf(".");
        String base = (dot < 0 ? safe.toString() : safe.substring(0, dot)).stripTrailing();
        if (WINDOWS_DEVICES.contains(base.toUpperCase(Locale.ROOT))) {
            int last = base.offsetByCodePoints(base.length(), -1);
            safe.replace(last, base.length(), "_".repeat(utf8Length(base.codePointAt(last))));
        }
        return safe.toString();
    }

    /** ALM, LRM, RLM, the embeddings and overrides (LRE to RLO) and the isolates (LRI to PDI). */
    private static boolean isDirectionalFormatting(int c) {
        return c == 0x061C || c == 0x200E || c == 0x200F || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069;
    }

    private static int utf8Length(int c) {
        return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
}
