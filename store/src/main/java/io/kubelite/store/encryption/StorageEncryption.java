package io.kubelite.store.encryption;

import io.kubelite.kinds.Resource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Encryption at rest as kube's {@code --encryption-provider-config} describes it: per
 * resource, the first provider encrypts every value written and all listed providers
 * decrypt. Values keep kube's prefix {@code k8s:enc:<provider>:v1:<key name>:}; resources
 * no rule names are stored as they are (identity). Immutable and thread-safe; one instance
 * serves a whole process (it travels with its {@link io.kubelite.store.Etcd} connection).
 */
public final class StorageEncryption {
    /** No encryption configured: every value is stored as it is. */
    public static final StorageEncryption NONE = new StorageEncryption(List.of(), "none");

    private static final ProviderChain IDENTITY = ProviderChain.identity();

    private final List<EncryptionRule> rules;
    private final String source;

    StorageEncryption(List<EncryptionRule> rules, String source) {
        this.rules = List.copyOf(rules);
        this.source = source;
    }

    /**
     * Reads and checks an EncryptionConfiguration file; {@link EncryptionConfigException}
     * naming the file and the offending field when it is not a valid one.
     */
    public static StorageEncryption load(Path file) {
        return EncryptionConfigParser.load(file);
    }

    /** As {@link #load}, from YAML text; {@code source} names it in errors. */
    public static StorageEncryption parse(String yaml, String source) {
        return EncryptionConfigParser.parse(yaml, source);
    }

    /** The value to store at {@code etcdKey} for an object of {@code r} encoded as {@code plain}. */
    public byte[] toStorage(Resource<?> r, String etcdKey, byte[] plain) {
        return chain(r).toStorage(etcdKey, plain);
    }

    /**
     * The encoded object in the value stored at {@code etcdKey};
     * {@link io.kubelite.store.UntransformableException} when no provider for {@code r} can
     * read it.
     */
    public FromStorage fromStorage(Resource<?> r, String etcdKey, byte[] stored) {
        return chain(r).fromStorage(etcdKey, stored);
    }

    /** True when values of {@code r} are written through anything but identity. */
    public boolean encrypts(Resource<?> r) {
        return !chain(r).writer().isIdentity();
    }

    /**
     * Decrypts any value by its prefix alone, whatever resource it belongs to (for
     * {@code kl inspect etcd}, which sees keys, not resources); plain values pass unchanged.
     */
    public FromStorage fromStorageAnyResource(String etcdKey, byte[] stored) {
        if (!EncryptedValue.isEncrypted(stored)) {
            return new FromStorage(stored, false);
        }
        for (EncryptionRule rule : rules) {
            for (ProviderKey k : rule.chain().keys()) {
                if (!k.isIdentity() && k.matches(stored)) {
                    return rule.chain().fromStorage(etcdKey, stored);
                }
            }
        }
        return IDENTITY.fromStorage(etcdKey, stored);
    }

    private ProviderChain chain(Resource<?> r) {
        for (EncryptionRule rule : rules) {
            if (rule.covers(r.group(), r.plural())) {
                return rule.chain();
            }
        }
        return IDENTITY;
    }

    /** One line for the startup log: the file and, per rule, its resources and writing key. */
    public String summary() {
        if (rules.isEmpty()) {
            return "no encryption at rest";
        }
        List<String> parts = new ArrayList<>();
        for (EncryptionRule rule : rules) {
            parts.add(String.join(",", rule.resources()) + " written with "
                    + rule.chain().writer() + " (reads "
                    + String.join(
                            ", ",
                            rule.chain().keys().stream()
                                    .map(ProviderKey::toString)
                                    .toList()) + ")");
        }
        return "encryption at rest from " + source + ": " + String.join("; ", parts);
    }
}
