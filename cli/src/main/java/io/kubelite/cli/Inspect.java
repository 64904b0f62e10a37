package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.kubelite.api.ApiJson;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdAccessProblem;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.EtcdTlsCheck;
import io.kubelite.store.Keys;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.encryption.EncryptedValue;
import io.kubelite.store.encryption.StorageEncryption;
import io.kubelite.store.runtime.EtcdSecurityOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kl inspect etcd [KEY | --prefix P]}: reads etcd directly (read-only) and decodes the stored envelopes. */
@Command(name = "inspect", description = "Look under the hood.", subcommands = Inspect.EtcdCmd.class)
final class Inspect implements Callable<Integer> {
    private final KlContext ctx;

    Inspect(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ctx.err().println("error: specify what to inspect: etcd");
        return 1;
    }

    @Command(name = "etcd", description = "Decode stored values (read-only) to YAML or JSON.")
    static final class EtcdCmd implements Callable<Integer> {
        @ParentCommand
        Inspect parent;

        @Parameters(arity = "0..1", paramLabel = "KEY")
        String key;

        @Option(names = "--prefix", paramLabel = "P", description = "All keys under this prefix.")
        String prefix;

        @Option(
                names = {"-o", "--output"},
                defaultValue = "yaml")
        String output;

        @Option(names = "--etcd-endpoints", split = ",", defaultValue = "${env:ETCD_ENDPOINTS:-127.0.0.1:2379}")
        List<String> endpoints;

        @Option(names = "--keys-only")
        boolean keysOnly;

        @Mixin
        EtcdSecurityOptions etcdSecurity = new EtcdSecurityOptions();

        @Option(
                names = "--encryption-provider-config",
                paramLabel = "FILE",
                description = "The API server's EncryptionConfiguration: decrypt values encrypted at rest"
                        + " (without it they are shown as encrypted: provider, key name, size).")
        Path encryptionProviderConfig;

        @Override
        public Integer call() throws Exception {
            KlContext ctx = parent.ctx;
            if ((key == null) == (prefix == null)) {
                throw new KlException("error: give exactly one of KEY or --prefix P");
            }
            if (!output.equals("yaml") && !output.equals("json")) {
                throw new KlException("error: --output must be yaml or json");
            }
            EtcdConfig cfg;
            StorageEncryption encryption;
            try {
                cfg = etcdSecurity.applyTo(new EtcdConfig(endpoints, "/", Duration.ofSeconds(5)));
                encryption = encryptionProviderConfig == null ? null : StorageEncryption.load(encryptionProviderConfig);
            } catch (IllegalArgumentException e) {
                throw new KlException("error: " + e.getMessage());
            }
            try (Etcd etcd = Etcd.connect(cfg)) {
                String k = key != null ? key : prefix;
                GetOption opt = prefix != null
                        ? GetOption.builder()
                                .withRange(Etcd.bytes(Keys.rangeEnd(prefix)))
                                .withKeysOnly(keysOnly)
                                .build()
                        : GetOption.DEFAULT;
                List<KeyValue> kvs;
                try {
                    kvs = etcd.call(k, () -> etcd.client().getKVClient().get(Etcd.bytes(k), opt))
                            .get(10, TimeUnit.SECONDS)
                            .getKvs();
                } catch (java.util.concurrent.ExecutionException e) {
                    String why = EtcdAccessProblem.of(e)
                            .or(() -> cfg.tls() == null
                                    ? java.util.Optional.empty()
                                    : EtcdTlsCheck.diagnose(cfg.tls(), endpoints.get(0)))
                            .orElse(e.getCause().getMessage());
                    throw new KlException("error: etcd at " + String.join(",", endpoints) + ": " + why);
                }
                if (kvs.isEmpty()) {
                    throw new KlException(
                            "error: " + (key != null ? "key " + key + " not found" : "no keys under " + prefix));
                }
                ArrayNode all = ApiClient.JSON.createArrayNode();
                StringBuilder yaml = new StringBuilder();
                for (KeyValue kv : kvs) {
                    String kk = kv.getKey().toString(StandardCharsets.UTF_8);
                    if (keysOnly) {
                        ctx.out().println(kk);
                        continue;
                    }
                    ObjectNode entry = ApiClient.JSON.createObjectNode();
                    entry.put("key", kk);
                    entry.put("createRevision", kv.getCreateRevision());
                    entry.put("modRevision", kv.getModRevision());
                    entry.put("version", kv.getVersion());
                    if (kv.getLease() != 0) {
                        entry.put("lease", Long.toHexString(kv.getLease()));
                    }
                    byte[] v = kv.getValue().getBytes();
                    Optional<EncryptedValue> encrypted = EncryptedValue.parse(v);
                    encrypted.ifPresent(ev -> {
                        ObjectNode enc = entry.putObject("encryption");
                        enc.put("provider", ev.provider());
                        enc.put("keyName", ev.keyName());
                        enc.put("size", ev.size());
                    });
                    JsonNode value;
                    try {
                        if (encrypted.isPresent() && encryption == null) {
                            throw new IllegalStateException(
                                    "encrypted at rest; give --encryption-provider-config to decode it");
                        }
                        byte[] plain = encryption == null
                                ? v
                                : encryption.fromStorageAnyResource(kk, v).plain();
                        Message m = ObjectCodec.decodeAny(kk, plain, kv.getModRevision());
                        value = ApiJson.toTree(m);
                    } catch (RuntimeException e) {
                        ObjectNode raw = ApiClient.JSON.createObjectNode();
                        raw.put("error", e.getMessage());
                        String s = new String(v, StandardCharsets.UTF_8);
                        if (encrypted.isPresent()) {
                            // the ciphertext means nothing to a reader, and may be large
                        } else if (s.chars().allMatch(ch -> ch >= 0x20 || ch == '\n' || ch == '\t')) {
                            raw.put("text", s);
                        } else {
                            raw.put("base64", Base64.getEncoder().encodeToString(v));
                        }
                        value = raw;
                    }
                    entry.set("value", value);
                    all.add(entry);
                    if (yaml.length() > 0) {
                        yaml.append("---\n");
                    }
                    yaml.append("# key: ")
                            .append(kk)
                            .append("\n# createRevision: ")
                            .append(kv.getCreateRevision())
                            .append(", modRevision: ")
                            .append(kv.getModRevision())
                            .append(", version: ")
                            .append(kv.getVersion())
                            .append('\n');
                    encrypted.ifPresent(ev -> yaml.append("# encrypted: ")
                            .append(ev.provider())
                            .append(" key ")
                            .append(ev.keyName())
                            .append(", ")
                            .append(ev.size())
                            .append(" bytes\n"));
                    yaml.append(ApiJson.toYaml(value));
                }
                if (!keysOnly) {
                    if (output.equals("json")) {
                        ctx.out().println(ApiJson.toPrettyJson(key != null ? all.get(0) : all));
                    } else {
                        ctx.out().print(yaml);
                    }
                }
            }
            return 0;
        }
    }
}
