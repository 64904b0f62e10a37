package io.kubelite.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * kubelite's field numbers are Kubernetes' ({@link KubeFields}): every message that models a
 * Kubernetes type numbers each field Kubernetes has as Kubernetes does, with a type of the same
 * encoding or one {@code KubeProtobuf} converts (Time and MicroTime as Timestamp, Quantity as a
 * string, IntOrString as Value, FieldsV1 as Struct), and every other field from 1000 up. A failure
 * lists every wrong field; {@code proto/tools/renumber.py} fixes the numbers.
 */
class KubeFieldNumbersTest {

  private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
  private static final String TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
  private static final String MICRO_TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
  private static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
  private static final String FIELDS_V1 = "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1";
  private static final String RAW_EXTENSION = "io.k8s.apimachinery.pkg.runtime.RawExtension";

  @Test
  void everyFieldHasKubernetesNumberAndAnEncodingTheReaderKnows() throws Exception {
    List<String> problems = new ArrayList<>();
    List<Descriptor> messages = apiMessages();
    assertThat(messages).extracting(Descriptor::getName).contains("Pod", "ObjectMeta", "Envelope");
    for (Descriptor m : messages) {
      String kube = FieldSchema.k8sType(m);
      if (kube.isEmpty()) {
        continue; // kubelite's own (the Envelope)
      }
      if (!KubeFields.knows(kube) && m.getFields().isEmpty()) {
        continue; // a Kubernetes type without fields (CustomResourceSubresourceStatus) has no rows
      }
      if (!KubeFields.knows(kube)) {
        problems.add(
            m.getFullName()
                + ": no Kubernetes type "
                + kube
                + " in kube-field-numbers.tsv (give it (k8s_type), or (kubelite_only))");
        continue;
      }
      for (FieldDescriptor f : m.getFields()) {
        check(m, kube, f, problems);
      }
    }
    assertThat(problems)
        .as(
            "fields whose number or type is not Kubernetes' (proto/tools/renumber.py fixes numbers)")
        .isEmpty();
  }

  @Test
  void theTableHasTheWorkloadFamiliesBeingAdded() {
    for (String type :
        List.of(
            "io.k8s.api.apps.v1.Deployment",
            "io.k8s.api.apps.v1.DeploymentSpec",
            "io.k8s.api.apps.v1.DeploymentStatus",
            "io.k8s.api.apps.v1.DeploymentStrategy",
            "io.k8s.api.apps.v1.RollingUpdateDeployment",
            "io.k8s.api.apps.v1.DeploymentCondition",
            "io.k8s.api.apps.v1.DaemonSet",
            "io.k8s.api.apps.v1.DaemonSetSpec",
            "io.k8s.api.apps.v1.DaemonSetStatus",
            "io.k8s.api.apps.v1.DaemonSetUpdateStrategy",
            "io.k8s.api.apps.v1.RollingUpdateDaemonSet",
            "io.k8s.api.apps.v1.DaemonSetCondition",
            "io.k8s.api.apps.v1.StatefulSet",
            "io.k8s.api.apps.v1.StatefulSetSpec",
            "io.k8s.api.apps.v1.StatefulSetStatus",
            "io.k8s.api.apps.v1.StatefulSetUpdateStrategy",
            "io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy",
            "io.k8s.api.apps.v1.StatefulSetCondition",
            "io.k8s.api.apps.v1.StatefulSetOrdinals",
            "io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy",
            "io.k8s.api.batch.v1.Job",
            "io.k8s.api.batch.v1.JobSpec",
            "io.k8s.api.batch.v1.JobStatus",
            "io.k8s.api.batch.v1.JobCondition",
            "io.k8s.api.batch.v1.JobTemplateSpec",
            "io.k8s.api.batch.v1.PodFailurePolicy",
            "io.k8s.api.batch.v1.PodFailurePolicyRule",
            "io.k8s.api.batch.v1.SuccessPolicy",
            "io.k8s.api.batch.v1.UncountedTerminatedPods",
            "io.k8s.api.batch.v1.CronJob",
            "io.k8s.api.batch.v1.CronJobSpec",
            "io.k8s.api.batch.v1.CronJobStatus")) {
      assertThat(KubeFields.knows(type)).as(type).isTrue();
    }
    assertThat(KubeFields.byName("io.k8s.api.apps.v1.DeploymentSpec", "template").number())
        .isEqualTo(3);
    assertThat(KubeFields.byName("io.k8s.api.batch.v1.JobSpec", "backoffLimit").number())
        .isEqualTo(7);
    assertThat(KubeFields.byNumber("io.k8s.api.batch.v1.CronJobSpec", 1).jsonName())
        .isEqualTo("schedule");
  }

  private static void check(Descriptor m, String kube, FieldDescriptor f, List<String> problems) {
    String where = m.getName() + "." + f.getName() + " (" + f.getJsonName() + " = " + f.getNumber();
    String inline = FieldSchema.k8sInline(f);
    if (!inline.isEmpty()) {
      KubeFields.Field member = KubeFields.byName(kube, inline);
      KubeFields.Field inner =
          member == null ? null : KubeFields.byName(member.type(), f.getJsonName());
      if (inner == null) {
        problems.add(where + "): " + kube + " has no embedded " + inline + " with this field");
      } else if (f.getNumber() < 1000) {
        problems.add(where + "): a field of an embedded struct must be numbered from 1000");
      } else {
        checkType(where, f, inner, problems);
      }
      return;
    }
    KubeFields.Field k = KubeFields.byName(kube, f.getJsonName());
    if (k == null) {
      if (f.getNumber() < 1000) {
        problems.add(where + "): not in " + kube + ", so it must be numbered from 1000");
      }
      return;
    }
    if (k.number() != f.getNumber()) {
      problems.add(where + "): Kubernetes numbers it " + k.number());
    }
    checkType(where, f, k, problems);
  }

  private static void checkType(
      String where, FieldDescriptor f, KubeFields.Field k, List<String> problems) {
    String ours = type(f);
    // a Struct holds JSON carried as {raw = 1}: FieldsV1 and runtime.RawExtension alike
    // (ControllerRevision.data), which KubeProtobuf reads the same way
    boolean rawJson = ours.equals(FIELDS_V1) && k.type().equals(RAW_EXTENSION);
    // a (kubelite_only) message standing for a Kubernetes type on purpose: a CRD version's
    // schema is raw JSON (apiextensions.proto), so its protobuf is not Kubernetes'
    boolean kubeliteOnly = ours.isEmpty() && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
    if (kubeliteOnly) {
      return;
    }
    if (!ours.equals(k.type()) && !rawJson && !sameShape(f, ours, k.type())) {
      problems.add(where + "): type " + ours + ", Kubernetes' is " + k.type());
    }
  }

  /**
   * True when our message field stands for a Kubernetes type of another package with the same
   * fields (events.k8s.io's Event holds core's EventSeries, which is events.k8s.io's field for
   * field).
   */
  private static boolean sameShape(FieldDescriptor f, String ours, String kube) {
    if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE || f.isMapField()) {
      return false;
    }
    String prefix = f.isRepeated() ? "repeated " : "";
    if (!ours.startsWith(prefix) || !kube.startsWith(prefix)) {
      return false;
    }
    String a = ours.substring(prefix.length());
    String b = kube.substring(prefix.length());
    return KubeFields.knows(a) && Set.copyOf(shape(a)).equals(Set.copyOf(shape(b)));
  }

  private static List<String> shape(String type) {
    return KubeFields.fields(type).stream()
        .map(k -> k.jsonName() + "=" + k.number() + ":" + k.type())
        .toList();
  }

  /** Our field's type as the table would write the Kubernetes type it stands for. */
  private static String type(FieldDescriptor f) {
    if (f.isMapField()) {
      Descriptor entry = f.getMessageType();
      return "map<"
          + valueType(f, entry.findFieldByName("key"))
          + ","
          + valueType(f, entry.findFieldByName("value"))
          + ">";
    }
    return (f.isRepeated() ? "repeated " : "") + valueType(f, f);
  }

  private static String valueType(FieldDescriptor declared, FieldDescriptor f) {
    switch (f.getJavaType()) {
      case MESSAGE:
        return switch (f.getMessageType().getFullName()) {
          case "google.protobuf.Timestamp" -> FieldSchema.microTime(declared) ? MICRO_TIME : TIME;
          case "google.protobuf.Value" -> INT_OR_STRING;
          case "google.protobuf.Struct" -> FIELDS_V1;
          default -> FieldSchema.k8sType(f.getMessageType());
        };
      case STRING:
        return FieldSchema.quantity(declared) && !f.getName().equals("key") ? QUANTITY : "string";
      default:
        return f.getType().name().toLowerCase();
    }
  }

  /** Every message of kubelite's .proto files (the module's descriptor set), nested ones too. */
  static List<Descriptor> apiMessages() throws Exception {
    List<Descriptor> out = new ArrayList<>();
    try (InputStream in = KubeFieldNumbersTest.class.getResourceAsStream("kubelite-api.desc")) {
      assertThat(in).as("kubelite-api.desc (written by protoc, see the pom)").isNotNull();
      for (FileDescriptorProto file : FileDescriptorSet.parseFrom(in).getFileList()) {
        String javaPackage = file.getOptions().getJavaPackage();
        for (DescriptorProto m : file.getMessageTypeList()) {
          Class<?> type = Class.forName(javaPackage + "." + m.getName());
          collect((Descriptor) type.getMethod("getDescriptor").invoke(null), out);
        }
      }
    }
    return out;
  }

  private static void collect(Descriptor d, List<Descriptor> out) {
    if (d.getOptions().getMapEntry()) {
      return;
    }
    out.add(d);
    d.getNestedTypes().forEach(n -> collect(n, out));
  }
}
