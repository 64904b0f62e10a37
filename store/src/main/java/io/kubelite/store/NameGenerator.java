package io.kubelite.store;

import java.util.concurrent.ThreadLocalRandom;

/** Kubernetes' generateName suffix: five characters from an alphabet without vowels or look-alikes. */
public final class NameGenerator {
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int MAX_PREFIX = 63 - 5;

    private NameGenerator() {}

    public static String generate(String base) {
        String b = base.length() > MAX_PREFIX ? base.substring(0, MAX_PREFIX) : base;
        StringBuilder sb = new StringBuilder(b);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 5; i++) {
            sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
