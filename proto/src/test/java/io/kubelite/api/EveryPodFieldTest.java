package io.kubelite.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * "No field lost": the every-field pod manifest reads with no unknown field and writes back as the
 * same JSON, and it names every field our PodSpec, Container, EphemeralContainer and Volume have,
 * so it cannot go stale when a field is added.
 */
class EveryPodFieldTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void manifestReadsAndWritesBackUnchanged() throws Exception {
    JsonNode manifest = JSON.readTree(EveryFieldPod.json());
    Parsed<Pod> parsed = ApiJson.parse(manifest, Pod.getDefaultInstance());
    assertThat(parsed.unknownFields()).as("fields the schema dropped").isEmpty();
    assertThat(EveryFieldPod.differences(manifest, ApiJson.toTree(parsed.message()))).isEmpty();
  }

  @Test
  void manifestNamesEveryFieldOfThePodSpecTypes() throws Exception {
    JsonNode spec = JSON.readTree(EveryFieldPod.json()).get("spec");
    List<JsonNode> containers = new ArrayList<>();
    spec.get("containers").forEach(containers::add);
    spec.get("initContainers").forEach(containers::add);
    List<JsonNode> ephemeral = new ArrayList<>();
    spec.get("ephemeralContainers").forEach(ephemeral::add);
    List<JsonNode> volumes = new ArrayList<>();
    spec.get("volumes").forEach(volumes::add);
    Set<String> missing = new TreeSet<>();
    missing.addAll(missing(PodSpec.getDescriptor(), List.of(spec)));
    missing.addAll(missing(Container.getDescriptor(), containers));
    missing.addAll(missing(EphemeralContainer.getDescriptor(), ephemeral));
    missing.addAll(missing(Volume.getDescriptor(), volumes));
    assertThat(missing).as("fields no object of the manifest sets").isEmpty();
  }

  @Test
  void everyWorkloadTemplateIsThePodSpecItself() {
    // so the fields above come to Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs too
    for (Descriptor spec :
        List.of(
            DeploymentSpec.getDescriptor(),
            StatefulSetSpec.getDescriptor(),
            DaemonSetSpec.getDescriptor(),
            ReplicaSetSpec.getDescriptor(),
            JobSpec.getDescriptor())) {
      Descriptor template = spec.findFieldByName("template").getMessageType();
      assertThat(template).as(spec.getName()).isEqualTo(PodTemplateSpec.getDescriptor());
      assertThat(template.findFieldByName("spec").getMessageType())
          .isEqualTo(PodSpec.getDescriptor());
    }
  }

  private static Set<String> missing(Descriptor type, List<JsonNode> objects) {
    Set<String> out = new TreeSet<>();
    for (FieldDescriptor f : type.getFields()) {
      if (objects.stream().noneMatch(o -> o.has(f.getJsonName()))) {
        out.add(type.getName() + "." + f.getJsonName());
      }
    }
    return out;
  }
}
