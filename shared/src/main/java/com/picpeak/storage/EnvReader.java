package com.picpeak.storage;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one way settings are read from the environment ({@link StorageConfig}, {@code AppConfig}, {@code JobSettings},
 * {@code WebhookSettings}, {@code GuessPolicy}, {@code TrustedProxies}): a blank variable is unset, values are
 * trimmed, and a bad value is a problem collected here (the fallback is used meanwhile), so that one start reports
 * every problem at once ({@link #throwIfAny()}). Every problem names its variable and the bad value in quotes,
 * then what is accepted: {@code 'x' is not a whole number from 1 to 50 (default 8)}.
 */
public final class EnvReader {
    private final Map<String, String> env;
    private final List<ConfigException.Problem> problems = new ArrayList<>();

    public EnvReader(Map<String, String> env) {
        this.env = env;
    }

    /** The trimmed value, or null when unset or blank (an empty variable means unset). */
    public static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The variable's trimmed value, or null when unset or blank. */
    public String text(String name) {
        return blankToNull(env.get(name));
    }

    /** The variable's trimmed value, or {@code fallback} when unset or blank. */
    public String text(String name, String fallback) {
        String value = text(name);
        return value == null ? fallback : value;
    }

    public boolean isSet(String name) {
        return text(name) != null;
    }

    /** The names of the variables that are set (not blank). */
    public List<String> names() {
        return env.keySet().stream().filter(this::isSet).toList();
    }

    /** A whole number from {@code min} to {@code max}, or {@code fallback} when unset; anything else: a problem. */
    public long wholeNumber(String name, long fallback, long min, long max) {
        return wholeNumber(name, fallback, min, max, null);
    }

    /**
     * As {@link #wholeNumber(String, long, long, long)}; {@code why}, when not null, follows the problem's message
     * (what the bounds protect).
     */
    public long wholeNumber(String name, long fallback, long min, long max, String why) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the accepted range
        }
        String range = max == Long.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max;
        problem(name, "'" + value + "' is not a whole number " + range + " (default " + fallback + ")"
                + (why == null ? "" : ": " + why));
        return fallback;
    }

    /**
     * A yes/no value: {@code true/1/yes/on} or {@code false/0/no/off} in any case; {@code fallback} when unset;
     * anything else: a problem, and the fallback.
     */
    public boolean yesNo(String name, boolean fallback) {
        Boolean value = yesNoOrNull(name, " (default " + fallback + ")");
        return value == null ? fallback : value;
    }

    /** As {@link #yesNo(String, boolean)}, null when unset or not a yes/no value (then a problem). */
    public Boolean yesNoOrNull(String name) {
        return yesNoOrNull(name, "");
    }

    private Boolean yesNoOrNull(String name, String defaultNote) {
        String value = text(name);
        if (value == null) {
            return null;
        }
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> {
                return true;
            }
            case "false", "0", "no", "off" -> {
                return false;
            }
            default -> {
                problem(name, "'" + value + "' is not a yes/no value: use 'true' or 'false'" + defaultNote);
                return null;
            }
        }
    }

    /** An absolute, normalised path from the variable, or from {@code fallback} when unset; null if neither is. */
    public Path path(String name, String fallback) {
        String value = text(name, fallback);
        if (value == null) {
            return null;
        }
        try {
            return Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            problem(name, "'" + value + "' is not a usable path: " + e.getReason());
            return null;
        }
    }

    /** A problem of {@code variable}; the message starts with the bad value in quotes when there is one. */
    public void problem(String variable, String message) {
        problems.add(new ConfigException.Problem(variable, message));
    }

    /** Problems found elsewhere (another reader, a {@link ConfigException}), reported with these. */
    public void addAll(List<ConfigException.Problem> more) {
        problems.addAll(more);
    }

    public List<ConfigException.Problem> problems() {
        return List.copyOf(problems);
    }

    /** @throws ConfigException with every problem found so far, when there is one */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
