package io.kubelite.apiserver.fieldmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.ConfigMap;
import io.kubelite.api.Pod;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Field ownership and the apply merge, on JSON trees (no etcd, no server). */
class FieldManagerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T10:00:00.5Z"), ZoneOffset.UTC);

    static ObjectNode json(String s) {
        try {
            return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    final FieldManager pods = new FieldManager(Pod.getDescriptor(), "v1", "", statusSet(), CLOCK);
    final FieldManager configMaps = new FieldManager(ConfigMap.getDescriptor(), "v1", "", new FieldSet(), CLOCK);

    static FieldSet statusSet() {
        return new FieldSet().insert(List.of(PathElement.field("status")));
    }

    static Manager only(List<Manager> ms, String name, String op) {
        return ms.stream()
                .filter(m -> m.manager().equals(name) && m.operation().equals(op))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + op + " manager " + name + " in " + ms));
    }

    static final String POD = "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','labels':{'app':'web'}},"
            + "'spec':{'containers':[{'name':'c','image':'nginx','ports':[{'containerPort':80}]}]}}";

    @Test
    void applySetIsWhatTheConfigurationSetsAsKubeWritesIt() {
        FieldManager.Applied a = pods.apply(null, json(POD), List.of(), "kubectl", false);
        Manager m = only(a.managers(), "kubectl", "Apply");
        assertThat(m.fields().toFieldsV1())
                .isEqualTo(json(
                        "{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:containers':{'k:{\\'name\\':\\'c\\'}':"
                                + "{'.':{},'f:image':{},'f:name':{},'f:ports':{'k:{\\'containerPort\\':80,\\'protocol\\':\\'TCP\\'}':"
                                + "{'.':{},'f:containerPort':{}}}}}}}".replace("\\'", "\\\"")));
        assertThat(m.time()).isEqualTo(Instant.parse("2026-12-04T10:00:00Z"));
        assertThat(a.object()
                        .path("spec")
                        .path("containers")
                        .get(0)
                        .path("image")
                        .asText())
                .isEqualTo("nginx");
    }

    @Test
    void updateOwnsWhatItChangedAndTakesItFromOthers() {
        ObjectNode created = json(POD);
        List<Manager> ms = pods.update(null, created, List.of(), "kubectl-create");
        Manager creator = only(ms, "kubectl-create", "Update");
        assertThat(creator.fields().has(List.of(PathElement.field("metadata"), PathElement.field("labels"))))
                .as("a new map is itself owned (\".\")")
                .isTrue();

        ObjectNode edited = created.deepCopy();
        ((ObjectNode) edited.get("spec").get("containers").get(0)).put("image", "nginx:2");
        ms = pods.update(created, edited, ms, "kubectl-edit");
        List<PathElement> image = List.of(
                PathElement.field("spec"),
                PathElement.field("containers"),
                PathElement.parse("k:{\"name\":\"c\"}"),
                PathElement.field("image"));
        assertThat(only(ms, "kubectl-edit", "Update").fields().paths()).containsExactly(image);
        assertThat(only(ms, "kubectl-create", "Update").fields().has(image)).isFalse();
    }

    @Test
    void applyConflictsWithAnotherManagersChangedFieldUnlessForced() {
        ObjectNode cm = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'x'},'data':{'a':'1','b':'2'}}");
        List<Manager> ms = configMaps.update(null, cm, List.of(), "kubectl-create");
        ObjectNode config = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'x'},'data':{'a':'9'}}");
        assertThatThrownBy(() -> configMaps.apply(cm, config, ms, "ci", false))
                .isInstanceOf(ApplyConflictException.class)
                .hasMessageStartingWith(
                        "Apply failed with 1 conflict: conflict with \"kubectl-create\" using v1 at 2026-12-04T10:00:00Z: .data.a");

        // the same value is no conflict: both own it
        ObjectNode same = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'x'},'data':{'a':'1'}}");
        FieldManager.Applied shared = configMaps.apply(cm, same, ms, "ci", false);
        assertThat(shared.objectChanged()).isFalse();
        List<PathElement> a = List.of(PathElement.field("data"), PathElement.field("a"));
        assertThat(only(shared.managers(), "ci", "Apply").fields().has(a)).isTrue();
        assertThat(only(shared.managers(), "kubectl-create", "Update").fields().has(a))
                .isTrue();

        FieldManager.Applied forced = configMaps.apply(cm, config, ms, "ci", true);
        assertThat(forced.object().path("data").path("a").asText()).isEqualTo("9");
        assertThat(only(forced.managers(), "kubectl-create", "Update").fields().has(a))
                .isFalse();
        assertThat(forced.object().path("data").path("b").asText())
                .as("not applied, kept")
                .isEqualTo("2");
    }

    @Test
    void fieldsNoLongerAppliedAreRemovedUnlessSomeoneElseOwnsThem() {
        ObjectNode v1 = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'x','labels':{'l':'1'}},"
                + "'data':{'a':'1','b':'2'}}");
        FieldManager.Applied first = configMaps.apply(null, v1, List.of(), "ci", false);
        ObjectNode live = first.object();
        // someone else also sets b
        ObjectNode other = live.deepCopy();
        ((ObjectNode) other.get("data")).put("c", "3");
        List<Manager> ms = configMaps.update(live, other, first.managers(), "kubectl-edit");

        ObjectNode v2 = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'x'},'data':{'a':'1'}}");
        FieldManager.Applied second = configMaps.apply(other, v2, ms, "ci", false);
        JsonNode data = second.object().path("data");
        assertThat(data.has("b")).as("b was only ci's: removed").isFalse();
        assertThat(data.path("c").asText()).as("c is kubectl-edit's: kept").isEqualTo("3");
        assertThat(second.object().path("metadata").has("labels")
                        && second.object().path("metadata").path("labels").has("l"))
                .as("label no longer applied: removed")
                .isFalse();
    }

    @Test
    void keyedListsMergeByKeyInTheConfigurationsOrder() {
        ObjectNode live = json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{'containers':["
                + "{'name':'a','image':'x'},{'name':'side','image':'y'},{'name':'b','image':'z'}]}}");
        ObjectNode config = json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{'containers':["
                + "{'name':'b','image':'z2'},{'name':'a','image':'x'}]}}");
        FieldManager.Applied a = pods.apply(live, config, List.of(), "ci", false);
        List<String> order = a.object().path("spec").path("containers").findValuesAsText("name");
        assertThat(order).containsExactly("side", "b", "a");
        assertThat(a.object()
                        .path("spec")
                        .path("containers")
                        .get(1)
                        .path("image")
                        .asText())
                .isEqualTo("z2");
    }

    @Test
    void unknownFieldsAndStatusAreNotOwned() {
        ObjectNode bad = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'x'},'dat':{}}");
        assertThatThrownBy(() -> configMaps.apply(null, bad, List.of(), "ci", false))
                .isInstanceOf(SchemaException.class)
                .hasMessage(".dat: field not declared in schema");
        ObjectNode withStatus = json(POD);
        withStatus.putObject("status").put("phase", "Running");
        FieldManager.Applied a = pods.apply(null, withStatus, List.of(), "ci", false);
        assertThat(only(a.managers(), "ci", "Apply").fields().child(List.of(PathElement.field("status"))))
                .isNull();
    }

    @Test
    void fieldsV1RoundTrips() {
        FieldSet s = pods.apply(null, json(POD), List.of(), "ci", false)
                .managers()
                .get(0)
                .fields();
        List<Manager> back = ManagedFieldsCodec.decode(
                ManagedFieldsCodec.encode(List.of(new Manager("ci", "Apply", "v1", "", null, s))));
        assertThat(back.get(0).fields()).isEqualTo(s);
    }
}
