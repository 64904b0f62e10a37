package io.kubelite.kinds.core.configmap;

import io.kubelite.api.ConfigMap;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.Map;

/** kube's {@code ValidateConfigMap} and {@code ValidateConfigMapUpdate}. */
final class ConfigMapStrategy implements Strategy<ConfigMap> {
    /** kube's {@code core.MaxSecretSize}: the values of data and binaryData together. */
    static final int MAX_SIZE = 1024 * 1024;

    @Override
    public void validate(ConfigMap c, FieldErrors errs) {
        long total = 0;
        for (Map.Entry<String, String> e : c.getDataMap().entrySet()) {
            String k = e.getKey();
            for (String msg : Names.configKeyErrors(k)) {
                errs.invalid("data[" + k + "]", k, msg);
            }
            if (c.containsBinaryData(k)) {
                errs.invalid("data[" + k + "]", k, "duplicate of key present in binaryData");
            }
            // kube counts the bytes of the Go string, i.e. its UTF-8 length
            total += e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        for (var e : c.getBinaryDataMap().entrySet()) {
            for (String msg : Names.configKeyErrors(e.getKey())) {
                errs.invalid("binaryData[" + e.getKey() + "]", e.getKey(), msg);
            }
            total += e.getValue().size();
        }
        if (total > MAX_SIZE) {
            errs.tooLong("", MAX_SIZE);
        }
    }

    @Override
    public void validateUpdate(ConfigMap c, ConfigMap old, FieldErrors errs) {
        if (old.hasImmutable() && old.getImmutable()) {
            if (!c.getImmutable()) {
                errs.forbidden("immutable", "field is immutable when `immutable` is set");
            }
            if (!c.getDataMap().equals(old.getDataMap())) {
                errs.forbidden("data", "field is immutable when `immutable` is set");
            }
            if (!c.getBinaryDataMap().equals(old.getBinaryDataMap())) {
                errs.forbidden("binaryData", "field is immutable when `immutable` is set");
            }
        }
    }
}
