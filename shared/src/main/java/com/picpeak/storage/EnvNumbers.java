package com.picpeak.storage;

import java.util.List;
import java.util.Map;

/** Whole-number settings read from the environment, with their range; problems are collected, not thrown. */
public final class EnvNumbers {
    private EnvNumbers() {
    }

    /** The variable's value, or {@code fallback} when unset; out of range or not a number: a problem, and the fallback. */
    public static long wholeNumber(Map<String, String> env, String name, long fallback, long min, long max,
                                   List<ConfigException.Problem> problems) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the accepted range
        }
        problems.add(new ConfigException.Problem(name, "'" + value + "' is not a whole number from " + min + " to "
                + max + " (default " + fallback + ")"));
        return fallback;
    }
}
