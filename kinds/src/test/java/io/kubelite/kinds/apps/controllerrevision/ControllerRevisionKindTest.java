package io.kubelite.kinds.apps.controllerrevision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.kubelite.api.ControllerRevision;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.validation.FieldError;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The ControllerRevision kind's validation and columns as pure functions. */
class ControllerRevisionKindTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    static ControllerRevision revision(long n, String data) {
        return ControllerRevision.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("web-5b7f8c9d6")
                        .setNamespace("default")
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 60))
                        .addOwnerReferences(OwnerReference.newBuilder()
                                .setApiVersion("apps/v1")
                                .setKind("StatefulSet")
                                .setName("web")
                                .setController(true)))
                .setData(Struct.newBuilder()
                        .putFields("x", Value.newBuilder().setStringValue(data).build()))
                .setRevision(n)
                .build();
    }

    @Test
    void revisionIsNotNegativeAndDataIsImmutable() {
        assertThat(ControllerRevisionKind.KIND.validateCreate(revision(1, "a"))).isEmpty();
        assertThat(ControllerRevisionKind.KIND.validateCreate(revision(-1, "a")))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple("revision", "Invalid value: -1: must be greater than or equal to 0"));
        assertThat(ControllerRevisionKind.KIND.validateUpdate(revision(2, "a"), revision(1, "a")))
                .isEmpty();
        assertThat(ControllerRevisionKind.KIND.validateUpdate(revision(1, "b"), revision(1, "a")))
                .extracting(FieldError::field)
                .containsExactly("data");
    }

    @Test
    void columnsAreKubectls() {
        assertThat(Kinds.find("controllerrevisions")).contains(ControllerRevisionKind.RESOURCE);
        assertThat(ControllerRevisionKind.KIND.columns().stream().map(c -> c.name()))
                .containsExactly("Name", "Controller", "Revision", "Age");
        assertThat(ControllerRevisionKind.KIND.row(revision(3, "a"), NOW, false))
                .containsExactly("web-5b7f8c9d6", "statefulset.apps/web", "3", "60s");
    }
}
