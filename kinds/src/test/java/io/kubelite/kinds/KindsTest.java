package io.kubelite.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceDefinitionKind;
import io.kubelite.kinds.authorization.selfsubjectaccessreview.SelfSubjectAccessReviewKind;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.events.event.EventsEventKind;
import io.kubelite.kinds.table.Column;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KindsTest {

    @Test
    void everyKindIsRegisteredOnceWithUniqueNamesInItsGroup() {
        Set<String> names = new HashSet<>();
        for (Kind<? extends Message> k : Kinds.all()) {
            Resource<? extends Message> r = k.resource();
            // kube serves events in two groups, both with the short name ev, and a kind at several
            // versions of its group (autoscaling/v1 and v2): names are unique per group-version
            assertThat(names.add(r.apiVersion() + "/" + r.plural()))
                    .as("plural %s", r)
                    .isTrue();
            assertThat(names.add(r.apiVersion() + "/" + r.kind()))
                    .as("kind %s", r.kind())
                    .isTrue();
            for (String s : r.shortNames()) {
                assertThat(names.add(r.apiVersion() + "/" + s))
                        .as("short name %s", s)
                        .isTrue();
            }
            assertThat(Kinds.of(r)).isSameAs(k);
            assertThat(Kinds.byKind(r.apiVersion(), r.kind())).contains(r);
            assertThat(Kinds.find(r.plural()).orElseThrow().plural()).isEqualTo(r.plural());
        }
        assertThat(Kinds.all()).hasSize(40);
        assertThat(Kinds.find("events")).contains(EventKind.RESOURCE);
    }

    @Test
    void storageIsDecidedInTheRegistry() {
        assertThat(Kinds.stored()).contains(PodKind.RESOURCE, EventKind.RESOURCE);
        assertThat(Kinds.stored()).doesNotContain(EventsEventKind.RESOURCE, SelfSubjectAccessReviewKind.RESOURCE);
        assertThat(SelfSubjectAccessReviewKind.KIND.storage()).isEqualTo(Storage.NONE);
        assertThat(SelfSubjectAccessReviewKind.KIND.verbs()).containsExactly("create");
        assertThat(PodKind.KIND.verbs())
                .containsExactly("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
        assertThat(EventsEventKind.KIND.storage())
                .isInstanceOfSatisfying(
                        Storage.ViewOf.class, v -> assertThat(v.stored()).isSameAs(EventKind.KIND));
        assertThat(EventsEventKind.KIND.verbs()).isEqualTo(EventKind.KIND.verbs());
        // a view prints the stored kind's columns
        assertThat(EventsEventKind.KIND.columns().stream().map(Column::name))
                .containsExactlyElementsOf(
                        EventKind.KIND.columns().stream().map(Column::name).toList());
    }

    @Test
    void lookupsByKindShortNameAndUnknown() {
        assertThat(Kinds.find("po")).contains(PodKind.RESOURCE);
        assertThat(Kinds.find("pod")).contains(PodKind.RESOURCE);
        assertThat(Kinds.find("Pod")).contains(PodKind.RESOURCE);
        assertThat(Kinds.find("gadgets")).isEmpty();
        assertThat(Kinds.byKind("apps/v1", "Pod")).isEmpty();
    }

    @Test
    void everyKindHasDefaultColumnsAndNoDuplicateColumnNames() {
        for (Kind<? extends Message> k : Kinds.all()) {
            checkColumns(k);
        }
    }

    private static <T extends Message> void checkColumns(Kind<T> k) {
        assertThat(k.columns(false)).as("%s default columns", k).isNotEmpty();
        assertThat(k.columns(true)).as("%s wide includes default", k).containsAll(k.columns(false));
        assertThat(k.columns().stream().map(Column::name).distinct().count())
                .as("%s column names", k)
                .isEqualTo(k.columns().size());
    }

    @Test
    void fieldSelectorsNameMetadataAndTheKindsOwnFields() {
        Pod p = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("a").setNamespace("ns"))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName("node-1")
                        .addContainers(Container.newBuilder().setName("c")))
                .build();
        assertThat(PodKind.KIND.fieldValue(p, "metadata.name")).contains("a");
        assertThat(PodKind.KIND.fieldValue(p, "metadata.namespace")).contains("ns");
        assertThat(PodKind.KIND.fieldValue(p, "spec.nodeName")).contains("node-1");
        assertThat(PodKind.KIND.fieldValue(p, "spec.hostname")).isEmpty();
        assertThat(PodKind.KIND.selectableFields()).startsWith("metadata.name", "metadata.namespace");
    }

    @Test
    void aMainResourceUpdateKeepsTheStoredStatusEvenWhenUnset() {
        for (Kind<? extends Message> k : Kinds.all()) {
            // a CRD's status is the server's own, recomputed from its spec (CustomResourceDefinitionKindTest)
            // a view's writes run the stored kind's strategy, checked there
            if (k.hasSubresource("status") && k.persisted() && k != CustomResourceDefinitionKind.KIND) {
                checkStatusKept(k);
            }
        }
    }

    private static <T extends Message> void checkStatusKept(Kind<T> k) {
        T blank = k.resource().prototype();
        var status = blank.getDescriptorForType().findFieldByName("status");
        // any scalar field of the status will do: phase, replicas, currentHealthy, ...; else a
        // singular message field (a CronJob's status has only times and a list)
        var fields = status.getMessageType().getFields().stream()
                .filter(f -> !f.isRepeated())
                .toList();
        if (fields.isEmpty()) {
            // a status of lists only (an APIService's conditions): one element of the first
            var list = status.getMessageType().getFields().get(0);
            var sb = blank.toBuilder().getFieldBuilder(status);
            @SuppressWarnings("unchecked")
            T withList = (T) blank.toBuilder()
                    .setField(
                            status,
                            sb.addRepeatedField(
                                            list, sb.newBuilderForField(list).build())
                                    .build())
                    .build();
            assertStatusKept(k, blank, withList, status);
            return;
        }
        var scalar = fields.stream()
                .filter(f -> f.getJavaType() != FieldDescriptor.JavaType.MESSAGE)
                .findFirst()
                .orElse(fields.get(0));
        Object value = scalar.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                ? com.google.protobuf.Timestamp.newBuilder().setSeconds(3).build()
                : scalar.getJavaType() == FieldDescriptor.JavaType.STRING
                        ? "X"
                        : scalar.getJavaType() == FieldDescriptor.JavaType.LONG ? (Object) 3L : (Object) 3;
        @SuppressWarnings("unchecked")
        T withStatus = (T) blank.toBuilder()
                .setField(
                        status,
                        blank.toBuilder()
                                .getFieldBuilder(status)
                                .setField(scalar, value)
                                .build())
                .build();
        assertStatusKept(k, blank, withStatus, status);
    }

    private static <T extends Message> void assertStatusKept(
            Kind<T> k, T blank, T withStatus, com.google.protobuf.Descriptors.FieldDescriptor status) {
        assertThat(k.strategy().prepareForUpdate(withStatus, blank).hasField(status))
                .as("%s: an unset stored status stays unset", k)
                .isFalse();
        assertThat(k.strategy().prepareForUpdate(blank, withStatus).getField(status))
                .as("%s: the stored status wins", k)
                .isEqualTo(withStatus.getField(status));
    }

    @Test
    void subresourcesAreTheKindsOwn() {
        assertThat(PodKind.KIND.hasSubresource("binding")).isTrue();
        assertThat(PodKind.KIND.hasSubresource("scale")).isFalse();
        assertThat(Kinds.find("rs").map(Kinds::of).orElseThrow().hasSubresource("scale"))
                .isTrue();
    }

    @Test
    void forStorageClearsTypeMetaAndResourceVersionAndCopiesNothingWhenThereIsNothingToClear() {
        Pod bare = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("ns").setName("p"))
                .build();
        Pod typed = PodKind.RESOURCE.withTypeMeta(bare.toBuilder()
                .setMetadata(bare.getMetadata().toBuilder().setResourceVersion("42"))
                .build());

        assertThat(PodKind.RESOURCE.forStorage(bare)).isSameAs(bare);
        Pod stored = PodKind.RESOURCE.forStorage(typed);
        assertThat(stored).isEqualTo(bare);
        assertThat(stored.getApiVersion()).isEmpty();
        assertThat(stored.getMetadata().getResourceVersion()).isEmpty();
    }
}
