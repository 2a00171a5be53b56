package com.picpeak.storage;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvReaderTest {

    @Test
    void blankIsUnset_valuesAreTrimmed_andValidValuesAreRead() {
        EnvReader env = new EnvReader(Map.of("A", "  ", "B", " 42 ", "C", " Off ", "D", " text "));

        assertThat(env.text("A")).isNull();
        assertThat(env.text("A", "fallback")).isEqualTo("fallback");
        assertThat(env.isSet("A")).isFalse();
        assertThat(env.names()).containsExactlyInAnyOrder("B", "C", "D");
        assertThat(env.wholeNumber("A", 7, 0, 10)).isEqualTo(7);
        assertThat(env.wholeNumber("B", 7, 0, 100)).isEqualTo(42);
        assertThat(env.yesNo("C", true)).isFalse();
        assertThat(env.yesNoOrNull("A")).isNull();
        assertThat(env.text("D")).isEqualTo("text");
        assertThat(env.problems()).isEmpty();
        env.throwIfAny();
    }

    @Test
    void everyBadValue_isOneProblemInOneStyle_theFallbackIsUsed_andAllAreThrownTogether() {
        EnvReader env = new EnvReader(Map.of("RANGE", "101", "WORD", "many", "MIN", "3", "FLAG", "sometimes"));

        assertThat(env.wholeNumber("RANGE", 7, 0, 100)).isEqualTo(7);
        assertThat(env.wholeNumber("WORD", 7, 0, 100)).isEqualTo(7);
        assertThat(env.wholeNumber("MIN", 10, 5, Long.MAX_VALUE, "fewer would overload the store")).isEqualTo(10);
        assertThat(env.yesNo("FLAG", false)).isFalse();

        assertThatThrownBy(env::throwIfAny).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems()).extracting(ConfigException.Problem::toString).containsExactly(
                    "RANGE '101' is not a whole number from 0 to 100 (default 7)",
                    "WORD 'many' is not a whole number from 0 to 100 (default 7)",
                    "MIN '3' is not a whole number of at least 5 (default 10): fewer would overload the store",
                    "FLAG 'sometimes' is not a yes/no value: use 'true' or 'false' (default false)");
            assertThat(e.getMessage()).startsWith("4 configuration problem(s):");
        });
    }
}
