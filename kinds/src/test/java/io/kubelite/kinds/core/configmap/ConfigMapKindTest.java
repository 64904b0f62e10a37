package io.kubelite.kinds.core.configmap;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.kubelite.api.ConfigMap;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.validation.FieldError;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ConfigMap kind's validation and columns as pure functions: no server, no etcd. */
class ConfigMapKindTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static ConfigMap.Builder cm(String name) {
        return ConfigMap.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .setNamespace("default")
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 90)));
    }

    @Test
    void registeredAsCmWithNameDataAgeColumns() {
        assertThat(Kinds.find("cm")).contains(ConfigMapKind.RESOURCE);
        ConfigMap c = cm("conf")
                .putData("a", "1")
                .putBinaryData("b", ByteString.copyFromUtf8("x"))
                .build();
        assertThat(ConfigMapKind.KIND.columns().stream().map(col -> col.name())).containsExactly("Name", "Data", "Age");
        assertThat(ConfigMapKind.KIND.row(c, NOW, false)).containsExactly("conf", "2", "90s");
    }

    @Test
    void keysFollowTheConfigKeyRuleAndDataAndBinaryDataAreDisjoint() {
        ConfigMap bad = cm("conf")
                .putData("ok.key", "v")
                .putData("bad key", "v")
                .putData("..hidden", "v")
                .putData("dup", "v")
                .putBinaryData("dup", ByteString.copyFromUtf8("v"))
                .putBinaryData("b/slash", ByteString.EMPTY)
                .build();
        List<FieldError> errs = ConfigMapKind.KIND.validateCreate(bad);
        assertThat(errs)
                .extracting(FieldError::field)
                .containsExactlyInAnyOrder("data[bad key]", "data[..hidden]", "data[dup]", "binaryData[b/slash]");
        assertThat(errs)
                .filteredOn(e -> e.field().equals("data[dup]"))
                .extracting(FieldError::message)
                .containsExactly("Invalid value: \"dup\": duplicate of key present in binaryData");
        assertThat(errs)
                .filteredOn(e -> e.field().equals("data[..hidden]"))
                .extracting(FieldError::message)
                .containsExactly("Invalid value: \"..hidden\": must not start with '..'");
        assertThat(errs)
                .filteredOn(e -> e.field().equals("data[bad key]"))
                .extracting(FieldError::message)
                .allMatch(m -> m.contains("a valid config key must consist of alphanumeric characters"));
    }

    @Test
    void moreThanOneMebibyteOfValuesIsTooLong() {
        String half = "x".repeat(512 * 1024);
        assertThat(ConfigMapKind.KIND.validateCreate(
                        cm("ok").putData("a", half).putData("b", half).build()))
                .isEmpty();
        List<FieldError> errs = ConfigMapKind.KIND.validateCreate(
                cm("big").putData("a", half).putData("b", half + "y").build());
        assertThat(errs).extracting(FieldError::message).containsExactly("Too long: must have at most 1048576 bytes");
    }

    @Test
    void anImmutableConfigMapKeepsItsDataAndStaysImmutable() {
        ConfigMap old = cm("conf").putData("a", "1").setImmutable(true).build();
        assertThat(ConfigMapKind.KIND.validateUpdate(old, old)).isEmpty();
        ConfigMap changed = old.toBuilder().putData("a", "2").clearImmutable().build();
        assertThat(ConfigMapKind.KIND.validateUpdate(changed, old))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "immutable", "Forbidden: field is immutable when `immutable` is set"),
                        org.assertj.core.groups.Tuple.tuple(
                                "data", "Forbidden: field is immutable when `immutable` is set"));
        ConfigMap mutable = cm("conf").putData("a", "1").build();
        assertThat(ConfigMapKind.KIND.validateUpdate(
                        mutable.toBuilder().putData("a", "2").build(), mutable))
                .isEmpty();
    }
}
