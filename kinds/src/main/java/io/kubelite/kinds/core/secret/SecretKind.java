package io.kubelite.kinds.core.secret;

import com.google.protobuf.ByteString;
import io.kubelite.api.Secret;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Secrets ({@code v1}, namespaced): type Opaque by default, {@code stringData} folded into
 * {@code data}, config-key syntax, the {@code immutable} flag and an immutable type.
 */
public final class SecretKind {
    public static final Resource<Secret> RESOURCE =
            new Resource<>("", "v1", "Secret", "secrets", true, Secret.getDefaultInstance(), List.of());

    public static final Kind<Secret> KIND = Kind.of(RESOURCE)
            .strategy(new SecretStrategy())
            .columns(List.of(
                    Cells.name(Secret::getMetadata),
                    Column.of(
                            "Type",
                            "string",
                            "Used to facilitate programmatic handling of secret data.",
                            (s, now) -> s.getType()),
                    Column.of(
                            "Data",
                            "string",
                            "Data contains the secret data.",
                            // kube: a string column of int64 cells
                            (s, now) -> (long) s.getDataCount()),
                    Cells.age(Secret::getMetadata)))
            .field("type", Secret::getType)
            .build();

    private SecretKind() {}

    private static final class SecretStrategy implements Strategy<Secret> {
        @Override
        public Secret defaults(Secret s) {
            Secret.Builder b = s.toBuilder();
            if (b.getType().isEmpty()) {
                b.setType("Opaque");
            }
            for (Map.Entry<String, String> e : s.getStringDataMap().entrySet()) {
                b.putData(e.getKey(), ByteString.copyFrom(e.getValue(), StandardCharsets.UTF_8));
            }
            b.clearStringData();
            return b.build();
        }

        @Override
        public void validate(Secret s, FieldErrors errs) {
            for (String k : s.getDataMap().keySet()) {
                for (String msg : Names.configKeyErrors(k)) {
                    errs.invalid("data[" + k + "]", k, msg);
                }
            }
        }

        @Override
        public void validateUpdate(Secret ns, Secret os, FieldErrors errs) {
            if (os.getImmutable()) {
                if (!os.getDataMap().equals(ns.getDataMap())) {
                    errs.forbidden("data", "field is immutable when `immutable` is set");
                }
                if (!ns.getImmutable()) {
                    errs.forbidden("immutable", "field is immutable when `immutable` is set");
                }
            }
            if (!os.getType().equals(ns.getType())) {
                errs.invalid("type", ns.getType(), "field is immutable");
            }
        }
    }
}
