package io.kubelite.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The schema itself: JSON names match Kubernetes', and the fixtures cover all of it. */
class ApiTypesTest {

  /** Every field whose Kubernetes JSON name is not the plain lowerCamelCase of its proto name. */
  private static final Map<String, String> KUBERNETES_NAMES =
      Map.ofEntries(
          Map.entry("ContainerPort.host_ip", "hostIP"),
          Map.entry(
              "HorizontalPodAutoscalerSpec.target_cpu_utilization_percentage",
              "targetCPUUtilizationPercentage"),
          Map.entry(
              "HorizontalPodAutoscalerStatus.current_cpu_utilization_percentage",
              "currentCPUUtilizationPercentage"),
          Map.entry("PodSpec.host_pid", "hostPID"),
          Map.entry("PodSpec.host_ipc", "hostIPC"),
          Map.entry("PodSpec.set_hostname_as_fqdn", "setHostnameAsFQDN"),
          Map.entry("Volume.downward_api", "downwardAPI"),
          Map.entry("Volume.scale_io", "scaleIO"),
          Map.entry("PersistentVolumeSpec.scale_io", "scaleIO"),
          Map.entry("CinderPersistentVolumeSource.volume_id", "volumeID"),
          Map.entry("AWSElasticBlockStoreVolumeSource.volume_id", "volumeID"),
          Map.entry("CinderVolumeSource.volume_id", "volumeID"),
          Map.entry("FlockerVolumeSource.dataset_uuid", "datasetUUID"),
          Map.entry("FCVolumeSource.target_wwns", "targetWWNs"),
          Map.entry("VsphereVirtualDiskVolumeSource.storage_policy_id", "storagePolicyID"),
          Map.entry("AzureDiskVolumeSource.disk_uri", "diskURI"),
          Map.entry("PhotonPersistentDiskVolumeSource.pd_id", "pdID"),
          Map.entry("PortworxVolumeSource.volume_id", "volumeID"),
          Map.entry("VolumeProjection.downward_api", "downwardAPI"),
          Map.entry("PodStatus.host_ip", "hostIP"),
          Map.entry("PodStatus.host_ips", "hostIPs"),
          Map.entry("PodStatus.pod_ip", "podIP"),
          Map.entry("PodStatus.pod_ips", "podIPs"),
          Map.entry("PodStatus.qos_class", "qosClass"),
          Map.entry("ContainerStatus.image_id", "imageID"),
          Map.entry("ContainerStatus.container_id", "containerID"),
          Map.entry("ContainerStateTerminated.container_id", "containerID"),
          Map.entry("NodeSpec.pod_cidr", "podCIDR"),
          Map.entry("NodeSpec.pod_cidrs", "podCIDRs"),
          Map.entry("NodeSpec.provider_id", "providerID"),
          Map.entry("DaemonEndpoint.port", "Port"),
          Map.entry("NodeSystemInfo.machine_id", "machineID"),
          Map.entry("NodeSystemInfo.system_uuid", "systemUUID"),
          Map.entry("NodeSystemInfo.boot_id", "bootID"),
          Map.entry("NodeSystemInfo.os_image", "osImage"),
          Map.entry("ServiceSpec.cluster_ip", "clusterIP"),
          Map.entry("ServiceSpec.cluster_ips", "clusterIPs"),
          Map.entry("ServiceSpec.ip_families", "ipFamilies"),
          Map.entry("ServiceSpec.ip_family_policy", "ipFamilyPolicy"));

  static List<Descriptor> allMessageTypes() {
    return Stream.of(
            Meta.getDescriptor(),
            Core.getDescriptor(),
            Apps.getDescriptor(),
            Coordination.getDescriptor(),
            Policy.getDescriptor(),
            Autoscaling.getDescriptor(),
            io.kubelite.api.Storage.getDescriptor(),
            io.kubelite.api.discovery.Discovery.getDescriptor())
        .flatMap(file -> file.getMessageTypes().stream())
        .toList();
  }

  @Test
  void jsonNamesAreKubernetesNames() {
    Map<String, String> actual = new TreeMap<>();
    Map<String, String> expected = new TreeMap<>();
    for (Descriptor type : allMessageTypes()) {
      for (FieldDescriptor field : type.getFields()) {
        String key = type.getName() + "." + field.getName();
        actual.put(key, field.getJsonName());
        expected.put(key, KUBERNETES_NAMES.getOrDefault(key, lowerCamel(field.getName())));
      }
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(actual.keySet()).containsAll(KUBERNETES_NAMES.keySet());
  }

  @Test
  void fixturesSetEveryFieldOfEveryType() {
    Set<String> set = new TreeSet<>();
    PopulatedObjects.all().forEach(m -> collectSetFields(m, set));
    Set<String> unset = new TreeSet<>();
    for (Descriptor type : allMessageTypes()) {
      for (FieldDescriptor field : type.getFields()) {
        unset.add(type.getName() + "." + field.getName());
      }
    }
    unset.removeAll(set);
    assertThat(unset).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("io.kubelite.api.PopulatedObjects#all")
  void binaryRoundTrip(Message message) throws Exception {
    Message back = message.getParserForType().parseFrom(message.toByteArray());
    assertThat(back).isEqualTo(message);
  }

  private static void collectSetFields(Message message, Set<String> out) {
    if (message.getDescriptorForType().getFullName().startsWith("google.protobuf.")) {
      return;
    }
    message
        .getAllFields()
        .forEach(
            (field, value) -> {
              out.add(message.getDescriptorForType().getName() + "." + field.getName());
              if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()) {
                if (field.isRepeated()) {
                  ((List<?>) value).forEach(v -> collectSetFields((Message) v, out));
                } else {
                  collectSetFields((Message) value, out);
                }
              }
            });
  }

  private static String lowerCamel(String snake) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }
}
