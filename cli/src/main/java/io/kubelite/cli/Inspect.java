package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.kubelite.api.ApiJson;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.Keys;
import io.kubelite.store.ObjectCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
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

        @Override
        public Integer call() throws Exception {
            KlContext ctx = parent.ctx;
            if ((key == null) == (prefix == null)) {
                throw new KlException("error: give exactly one of KEY or --prefix P");
            }
            if (!output.equals("yaml") && !output.equals("json")) {
                throw new KlException("error: --output must be yaml or json");
            }
            EtcdConfig cfg = new EtcdConfig(endpoints, "/", Duration.ofSeconds(5));
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
                    throw new KlException("error: etcd at " + String.join(",", endpoints) + ": "
                            + e.getCause().getMessage());
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
                    JsonNode value;
                    try {
                        Message m = ObjectCodec.decodeAny(kk, v, kv.getModRevision());
                        value = ApiJson.toTree(m);
                    } catch (RuntimeException e) {
                        ObjectNode raw = ApiClient.JSON.createObjectNode();
                        raw.put("error", e.getMessage());
                        String s = new String(v, StandardCharsets.UTF_8);
                        if (s.chars().allMatch(ch -> ch >= 0x20 || ch == '\n' || ch == '\t')) {
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
                            .append('\n')
                            .append(ApiJson.toYaml(value));
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
