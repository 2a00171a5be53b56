package com.picpeak.storage;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that must not start. Carries every problem found, each naming its variable. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public record Problem(String variable, String message) {
        @Override
        public String toString() {
            return variable + " " + message;
        }
    }

    private final List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(problems.size() + " configuration problem(s):\n" + problems.stream()
                .map(p -> "  - " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
