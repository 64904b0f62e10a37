package io.kubelite.store.encryption;

import java.util.List;

/**
 * One {@code resources[]} entry: the resources it names ({@code secrets},
 * {@code deployments.apps}, {@code *.apps}, {@code *.} for the core group, {@code *.*}) and
 * their provider chain.
 */
record EncryptionRule(List<String> resources, ProviderChain chain) {
    boolean covers(String group, String plural) {
        for (String r : resources) {
            if (matches(r, group, plural)) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(String pattern, String group, String plural) {
        if (pattern.equals("*.*")) {
            return true;
        }
        if (pattern.startsWith("*.")) {
            return pattern.substring(2).equals(group);
        }
        return pattern.equals(group.isEmpty() ? plural : plural + "." + group);
    }
}
