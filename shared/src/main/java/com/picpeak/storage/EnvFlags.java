package com.picpeak.storage;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Yes/no settings read from the environment; problems are collected, not thrown (as {@link EnvNumbers}). */
public final class EnvFlags {
    private EnvFlags() {
    }

    /**
     * The variable's value: {@code true/1/yes/on} or {@code false/0/no/off} in any case; {@code fallback} when unset
     * or empty; anything else is a problem, and the fallback.
     */
    public static boolean yesNo(Map<String, String> env, String name, boolean fallback,
                                List<ConfigException.Problem> problems) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> {
                return true;
            }
            case "false", "0", "no", "off" -> {
                return false;
            }
            default -> {
                problems.add(new ConfigException.Problem(name, "'" + value + "' is not a yes/no value: use 'true' or "
                        + "'false' (default " + fallback + ")"));
                return fallback;
            }
        }
    }
}
