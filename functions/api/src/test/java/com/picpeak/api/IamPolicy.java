package com.picpeak.api;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An identity policy as IAM evaluates it for one request (action, resource ARN): an explicit Deny wins, then any
 * Allow, else the implicit deny. Action names match case-insensitively, resources case-sensitively, both with IAM's
 * {@code *} and {@code ?} wildcards. Statements with a Condition are not emulated: the template has none on its
 * roles, and {@link DeployedTemplate} refuses to read one rather than guess.
 */
record IamPolicy(String principal, List<Statement> statements) {

    record Statement(boolean allow, List<String> actions, List<String> resources) {
        boolean matches(String action, String resourceArn) {
            return actions.stream().anyMatch(pattern -> wildcard(pattern.toLowerCase(Locale.ROOT))
                    .matcher(action.toLowerCase(Locale.ROOT)).matches())
                    && resources.stream().anyMatch(pattern -> wildcard(pattern).matcher(resourceArn).matches());
        }
    }

    /** What IAM decides for one action on one resource. */
    boolean allows(String action, String resourceArn) {
        boolean allowed = false;
        for (Statement statement : statements) {
            if (statement.matches(action, resourceArn)) {
                if (!statement.allow()) {
                    return false;
                }
                allowed = true;
            }
        }
        return allowed;
    }

    /** Every action some statement names (for reports of what a role grants). */
    List<String> grantedActions() {
        return statements.stream().filter(Statement::allow).flatMap(s -> s.actions().stream()).distinct().toList();
    }

    /** A pattern with {@code *} (any characters) and {@code ?} (one), everything else literal. */
    static Pattern wildcard(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
