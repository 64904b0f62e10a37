package io.kubelite.store.encryption;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads kube's {@code EncryptionConfiguration} ({@code apiserver.config.k8s.io/v1}) and
 * checks it as kube does, naming the field of the first problem. Providers: aesgcm and
 * aescbc (16, 24 or 32-byte keys), secretbox (32-byte keys), identity; kms is refused, as
 * kubelite has no KMS plugin support.
 */
final class EncryptionConfigParser {
    static final String API_VERSION = "apiserver.config.k8s.io/v1";
    static final String KIND = "EncryptionConfiguration";
    private static final List<Integer> AES_KEY_SIZES = List.of(16, 24, 32);
    private static final List<Integer> SECRETBOX_KEY_SIZES = List.of(32);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String source;
    private final SecureRandom random = new SecureRandom();

    private EncryptionConfigParser(String source) {
        this.source = source;
    }

    static StorageEncryption load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new EncryptionConfigException("--encryption-provider-config: " + file + " does not exist");
        } catch (IOException e) {
            throw new EncryptionConfigException("--encryption-provider-config: cannot read " + file + ": " + e, e);
        }
        return parse(text, file.toString());
    }

    static StorageEncryption parse(String yaml, String source) {
        return new EncryptionConfigParser(source).parse(yaml);
    }

    private StorageEncryption parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            throw new EncryptionConfigException(
                    source + ": not valid YAML: " + e.getOriginalMessage() + locationOf(e), e);
        }
        if (root == null || !root.isObject()) {
            throw fail("", "must be an EncryptionConfiguration object");
        }
        onlyFields(root, "", "apiVersion", "kind", "resources");
        if (!API_VERSION.equals(root.path("apiVersion").asText())) {
            throw fail(
                    "apiVersion",
                    "Unsupported value: \"" + root.path("apiVersion").asText() + "\": supported values: \""
                            + API_VERSION + "\"");
        }
        if (!KIND.equals(root.path("kind").asText())) {
            throw fail("kind", "Unsupported value: \"" + root.path("kind").asText() + "\": must be \"" + KIND + "\"");
        }
        JsonNode resources = root.path("resources");
        if (!resources.isArray() || resources.isEmpty()) {
            throw fail("resources", "Required value: at least one resources entry is required");
        }
        List<EncryptionRule> rules = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < resources.size(); i++) {
            rules.add(rule(resources.get(i), "resources[" + i + "]", seen));
        }
        return new StorageEncryption(rules, source);
    }

    private EncryptionRule rule(JsonNode entry, String path, Map<String, String> seen) {
        if (!entry.isObject()) {
            throw fail(path, "must be an object with resources and providers");
        }
        onlyFields(entry, path, "resources", "providers");
        JsonNode names = entry.path("resources");
        if (!names.isArray() || names.isEmpty()) {
            throw fail(path + ".resources", "Required value: at least one resource is required");
        }
        List<String> resources = new ArrayList<>();
        for (int j = 0; j < names.size(); j++) {
            String field = path + ".resources[" + j + "]";
            String r = names.get(j).asText("");
            checkResourceName(field, r);
            for (Map.Entry<String, String> earlier : seen.entrySet()) {
                if (earlier.getKey().equals(r)) {
                    throw fail(field, "Duplicate value: \"" + r + "\" (already at " + earlier.getValue() + ")");
                }
                if (masks(earlier.getKey(), r)) {
                    throw fail(
                            field,
                            "Invalid value: \"" + r + "\": resource \"" + r + "\" is masked by earlier rule \""
                                    + earlier.getKey() + "\" (" + earlier.getValue() + ")");
                }
            }
            seen.put(r, field);
            resources.add(r);
        }
        JsonNode providers = entry.path("providers");
        if (!providers.isArray() || providers.isEmpty()) {
            throw fail(path + ".providers", "Required value: at least one provider is required");
        }
        List<ProviderKey> keys = new ArrayList<>();
        for (int p = 0; p < providers.size(); p++) {
            keys.addAll(provider(providers.get(p), path + ".providers[" + p + "]"));
        }
        return new EncryptionRule(resources, new ProviderChain(keys));
    }

    private void checkResourceName(String field, String r) {
        if (r.isEmpty()) {
            throw fail(field, "Required value: resource name must not be empty");
        }
        if (!r.equals(r.toLowerCase(Locale.ROOT))) {
            throw fail(
                    field,
                    "Invalid value: \"" + r + "\": resource name must be lowercase (the plural, as in"
                            + " \"secrets\" or \"deployments.apps\")");
        }
        if (r.equals("*")) {
            throw fail(field, "Invalid value: \"*\": use \"*.\" for all core resources or \"*.*\" for all resources");
        }
        if (r.indexOf('*') > 0 || (r.startsWith("*") && !r.startsWith("*."))) {
            throw fail(field, "Invalid value: \"" + r + "\": a wildcard must be \"*.<group>\", \"*.\" or \"*.*\"");
        }
    }

    /** True when an earlier pattern already claims every resource {@code later} names. */
    private static boolean masks(String earlier, String later) {
        if (earlier.equals("*.*")) {
            return true;
        }
        if (!earlier.startsWith("*.") || later.startsWith("*.")) {
            return false;
        }
        String group = earlier.substring(2);
        int dot = later.indexOf('.');
        return group.equals(dot < 0 ? "" : later.substring(dot + 1));
    }

    private List<ProviderKey> provider(JsonNode entry, String path) {
        if (!entry.isObject() || entry.size() != 1) {
            throw fail(
                    path,
                    entry.isObject() && entry.size() > 1
                            ? "Invalid value: more than one provider specified in a single element, should split into"
                                    + " different list elements"
                            : "Required value: one of aesgcm, aescbc, secretbox, identity is required");
        }
        String type = entry.fieldNames().next();
        JsonNode body = entry.get(type);
        String field = path + "." + type;
        switch (type) {
            case "identity":
                if (body != null && !body.isNull() && !(body.isObject() && body.isEmpty())) {
                    throw fail(field, "Invalid value: identity takes no settings (write identity: {})");
                }
                return List.of(ProviderKey.identity());
            case "aesgcm":
                return keys(body, field, type, AES_KEY_SIZES);
            case "aescbc":
                return keys(body, field, type, AES_KEY_SIZES);
            case "secretbox":
                return keys(body, field, type, SECRETBOX_KEY_SIZES);
            case "kms":
                throw fail(
                        field,
                        "Unsupported value: kubelite has no KMS plugin support; use aesgcm, aescbc or" + " secretbox");
            default:
                throw fail(
                        field,
                        "Unsupported value: \"" + type + "\": supported providers: aesgcm, aescbc,"
                                + " secretbox, identity");
        }
    }

    private List<ProviderKey> keys(JsonNode body, String field, String type, List<Integer> sizes) {
        if (body == null || !body.isObject()) {
            throw fail(field + ".keys", "Required value: at least one key is required");
        }
        onlyFields(body, field, "keys");
        JsonNode keys = body.path("keys");
        if (!keys.isArray() || keys.isEmpty()) {
            throw fail(field + ".keys", "Required value: at least one key is required");
        }
        List<ProviderKey> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int k = 0; k < keys.size(); k++) {
            String kf = field + ".keys[" + k + "]";
            JsonNode key = keys.get(k);
            if (!key.isObject()) {
                throw fail(kf, "must be an object with name and secret");
            }
            onlyFields(key, kf, "name", "secret");
            String name = key.path("name").asText("");
            if (name.isEmpty()) {
                throw fail(kf + ".name", "Required value: key name is required");
            }
            if (name.contains(":")) {
                throw fail(kf + ".name", "Invalid value: \"" + name + "\": key name must not contain ':'");
            }
            if (!names.add(name)) {
                throw fail(kf + ".name", "Duplicate value: \"" + name + "\"");
            }
            String secret = key.path("secret").asText("");
            if (secret.isEmpty()) {
                throw fail(kf + ".secret", "Required value: secret is required");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(secret.trim());
            } catch (IllegalArgumentException e) {
                throw fail(kf + ".secret", "Invalid value: \"REDACTED\": secrets must be base64 encoded");
            }
            if (!sizes.contains(bytes.length)) {
                throw fail(
                        kf + ".secret",
                        "Invalid value: \"REDACTED\": secret is not of the expected length, got " + bytes.length
                                + ", expected one of " + sizes);
            }
            out.add(ProviderKey.of(type, name, cipher(type, bytes)));
        }
        return out;
    }

    private ValueCipher cipher(String type, byte[] key) {
        return switch (type) {
            case "aesgcm" -> new AesGcmCipher(key, random);
            case "aescbc" -> new AesCbcCipher(key, random);
            case "secretbox" -> new SecretboxCipher(key, random);
            default -> throw new IllegalArgumentException(type);
        };
    }

    private void onlyFields(JsonNode node, String path, String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!ok.contains(f)) {
                throw fail(
                        path.isEmpty() ? f : path + "." + f,
                        "Unknown field (allowed: " + String.join(", ", allowed) + ")");
            }
        }
    }

    private EncryptionConfigException fail(String field, String message) {
        return new EncryptionConfigException(source + ": " + (field.isEmpty() ? "" : field + ": ") + message);
    }

    private static String locationOf(JacksonException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }
}
