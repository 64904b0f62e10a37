package io.kubelite.kinds.podsecurity;

import java.util.Locale;

/** The Pod Security Standards' levels, from least to most restrictive. */
public enum Level {
    PRIVILEGED,
    BASELINE,
    RESTRICTED;

    /** The level a label value names, or null when it names none. */
    static Level parse(String s) {
        for (Level l : values()) {
            if (l.label().equals(s)) {
                return l;
            }
        }
        return null;
    }

    /** As the labels and messages spell it: {@code restricted}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
