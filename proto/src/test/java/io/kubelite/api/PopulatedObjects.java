package io.kubelite.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.protobuf.util.Timestamps;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;

/**
 * Realistic, fully populated objects of every top-level type. Between them they set every field of
 * every message type ({@link ApiTypesTest} checks that), so round-trip tests over them cover the
 * whole schema.
 */
final class PopulatedObjects {

  private PopulatedObjects() {}

  static List<Message> all() {
    return List.of(
        pod(),
        everyFieldPod(),
        node(),
        lease(),
        namespace(),
        serviceAccount(),
        secret(),
        configMap(),
        limitRange(),
        resourceQuota(),
        podDisruptionBudget(),
        replicaSet(),
        daemonSet(),
        deployment(),
        statefulSet(),
        controllerRevision(),
        service(),
        endpoints(),
        endpointSlice(),
        event(),
        binding(),
        eviction(),
        scale(),
        horizontalPodAutoscaler(),
        persistentVolume(),
        persistentVolumeClaim(),
        storageClass(),
        envelope());
  }

  static Timestamp ts(String rfc3339) {
    try {
      return Timestamps.parse(rfc3339);
    } catch (ParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static ObjectMeta meta(String namespace, String name) {
    return ObjectMeta.newBuilder()
        .setName(name)
        .setGenerateName(name.replaceAll("-[^-]*$", "-"))
        .setNamespace(namespace)
        .setUid("7d2f5a4e-1c3b-4f6e-9a8d-2b1c0e9f8a7b")
        .setResourceVersion("12345")
        .setGeneration(1)
        .setCreationTimestamp(ts("2024-05-01T10:00:00Z"))
        .putLabels("app", "web")
        .putLabels("tier", "frontend")
        .putAnnotations("kubernetes.io/description", "a test object: with \"quotes\"\nand lines")
        .build();
  }

  /**
   * The pod of {@code pod-every-field.json}: every field of kube's PodSpec, Container,
   * EphemeralContainer and Volume (and of the types under them) set, so the fixtures cover them.
   */
  static Pod everyFieldPod() {
    Parsed<Pod> parsed = ApiJson.parse(EveryFieldPod.json(), Pod.getDefaultInstance());
    if (!parsed.unknownFields().isEmpty()) {
      throw new IllegalStateException(
          "pod-every-field.json: unknown fields " + parsed.unknownFields());
    }
    return parsed.message();
  }

  /**
   * A PersistentVolume and a PersistentVolumeClaim from {@code pv-every-field.json}: every field of
   * the PersistentVolumeSpec (every volume source), PersistentVolumeStatus and
   * PersistentVolumeClaimStatus, and of the types under them.
   */
  static PersistentVolume persistentVolume() {
    return everyField("persistentVolume", PersistentVolume.getDefaultInstance());
  }

  static PersistentVolumeClaim persistentVolumeClaim() {
    return everyField("persistentVolumeClaim", PersistentVolumeClaim.getDefaultInstance());
  }

  private static <T extends Message> T everyField(String member, T prototype) {
    String resource = "io/kubelite/api/pv-every-field.json";
    try (var in = PopulatedObjects.class.getClassLoader().getResourceAsStream(resource)) {
      String json =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(in).get(member).toString();
      Parsed<T> parsed = ApiJson.parse(json, prototype);
      if (!parsed.unknownFields().isEmpty()) {
        throw new IllegalStateException(resource + ": unknown fields " + parsed.unknownFields());
      }
      return parsed.message();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static StorageClass storageClass() {
    return StorageClass.newBuilder()
        .setApiVersion("storage.k8s.io/v1")
        .setKind("StorageClass")
        .setMetadata(
            meta("", "standard").toBuilder()
                .putAnnotations("storageclass.kubernetes.io/is-default-class", "true"))
        .setProvisioner("kubelite.io/hostpath")
        .putParameters("type", "simulated")
        .setReclaimPolicy("Delete")
        .addMountOptions("noatime")
        .setAllowVolumeExpansion(true)
        .setVolumeBindingMode("WaitForFirstConsumer")
        .addAllowedTopologies(
            TopologySelectorTerm.newBuilder()
                .addMatchLabelExpressions(
                    TopologySelectorLabelRequirement.newBuilder()
                        .setKey("topology.kubernetes.io/zone")
                        .addValues("zone-a")))
        .build();
  }

  static Pod pod() {
    ObjectMeta metadata =
        meta("default", "web-7f9c6-abcde").toBuilder()
            .setDeletionTimestamp(ts("2024-05-01T11:00:30.123456Z"))
            .setDeletionGracePeriodSeconds(0)
            .addOwnerReferences(
                OwnerReference.newBuilder()
                    .setApiVersion("apps/v1")
                    .setKind("ReplicaSet")
                    .setName("web-7f9c6")
                    .setUid("1a2b3c4d-0000-4000-8000-000000000001")
                    .setController(true)
                    .setBlockOwnerDeletion(true))
            .addFinalizers("kubelite.io/test")
            .addManagedFields(
                ManagedFieldsEntry.newBuilder()
                    .setManager("kubectl-client-side-apply")
                    .setOperation("Update")
                    .setApiVersion("v1")
                    .setTime(ts("2024-05-01T10:00:00Z"))
                    .setFieldsType("FieldsV1")
                    .setFieldsV1(
                        Struct.newBuilder()
                            .putFields(
                                "f:metadata",
                                Value.newBuilder()
                                    .setStructValue(
                                        Struct.newBuilder()
                                            .putFields(
                                                "f:finalizers",
                                                Value.newBuilder()
                                                    .setStructValue(Struct.getDefaultInstance())
                                                    .build()))
                                    .build()))
                    .setSubresource("status"))
            .build();
    Container app =
        Container.newBuilder()
            .setName("app")
            .setImage("registry.k8s.io/nginx:1.25")
            .addCommand("/docker-entrypoint.sh")
            .addAllArgs(List.of("nginx", "-g", "daemon off;"))
            .setWorkingDir("/usr/share/nginx")
            .addPorts(
                ContainerPort.newBuilder().setName("http").setContainerPort(80).setProtocol("TCP"))
            .addPorts(
                ContainerPort.newBuilder()
                    .setName("metrics")
                    .setContainerPort(9090)
                    .setHostPort(19090)
                    .setHostIp("0.0.0.0")
                    .setProtocol("TCP"))
            .addEnv(EnvVar.newBuilder().setName("MODE").setValue("production"))
            .addEnv(
                EnvVar.newBuilder()
                    .setName("POD_NAME")
                    .setValueFrom(
                        EnvVarSource.newBuilder()
                            .setFieldRef(
                                ObjectFieldSelector.newBuilder()
                                    .setApiVersion("v1")
                                    .setFieldPath("metadata.name"))))
            .addEnv(
                EnvVar.newBuilder()
                    .setName("CPU_LIMIT")
                    .setValueFrom(
                        EnvVarSource.newBuilder()
                            .setResourceFieldRef(
                                ResourceFieldSelector.newBuilder()
                                    .setContainerName("app")
                                    .setResource("limits.cpu")
                                    .setDivisor("1m"))))
            .addEnv(
                EnvVar.newBuilder()
                    .setName("LOG_LEVEL")
                    .setValueFrom(
                        EnvVarSource.newBuilder()
                            .setConfigMapKeyRef(
                                ConfigMapKeySelector.newBuilder()
                                    .setName("web-config")
                                    .setKey("logLevel")
                                    .setOptional(true))))
            .addEnv(
                EnvVar.newBuilder()
                    .setName("DB_PASSWORD")
                    .setValueFrom(
                        EnvVarSource.newBuilder()
                            .setSecretKeyRef(
                                SecretKeySelector.newBuilder()
                                    .setName("db")
                                    .setKey("password")
                                    .setOptional(false))))
            .setResources(
                ResourceRequirements.newBuilder()
                    .putRequests("cpu", "250m")
                    .putRequests("memory", "64Mi")
                    .putLimits("cpu", "500m")
                    .putLimits("memory", "128Mi"))
            .setLivenessProbe(
                Probe.newBuilder()
                    .setHttpGet(
                        HTTPGetAction.newBuilder()
                            .setPath("/healthz")
                            .setPort(IntOrString.of("http"))
                            .setHost("127.0.0.1")
                            .setScheme("HTTP")
                            .addHttpHeaders(
                                HTTPHeader.newBuilder().setName("X-Probe").setValue("liveness")))
                    .setInitialDelaySeconds(3)
                    .setPeriodSeconds(3)
                    .setTimeoutSeconds(1)
                    .setSuccessThreshold(1)
                    .setFailureThreshold(3)
                    .setTerminationGracePeriodSeconds(10))
            .setReadinessProbe(
                Probe.newBuilder()
                    .setTcpSocket(
                        TCPSocketAction.newBuilder()
                            .setPort(IntOrString.of(80))
                            .setHost("localhost"))
                    .setPeriodSeconds(5))
            .setStartupProbe(
                Probe.newBuilder()
                    .setGrpc(GRPCAction.newBuilder().setPort(9090).setService("health"))
                    .setFailureThreshold(30)
                    .setPeriodSeconds(10))
            .setImagePullPolicy("IfNotPresent")
            .setStdin(true)
            .setTty(true)
            .setStdinOnce(true)
            .build();
    Container init =
        Container.newBuilder()
            .setName("init-myservice")
            .setImage("busybox:1.28")
            .addAllCommand(
                List.of("sh", "-c", "until nslookup myservice; do echo waiting; sleep 2; done"))
            .setLivenessProbe(
                Probe.newBuilder().setExec(ExecAction.newBuilder().addCommand("true")))
            .build();
    PodSpec spec =
        PodSpec.newBuilder()
            .addInitContainers(init)
            .addContainers(app)
            .setRestartPolicy("Always")
            .setTerminationGracePeriodSeconds(30)
            .setActiveDeadlineSeconds(3600)
            .putNodeSelector("kubernetes.io/os", "linux")
            .setServiceAccountName("web")
            .setNodeName("node-1")
            .setHostname("web-0")
            .setSubdomain("web")
            .setAffinity(
                Affinity.newBuilder()
                    .setNodeAffinity(
                        NodeAffinity.newBuilder()
                            .setRequiredDuringSchedulingIgnoredDuringExecution(
                                NodeSelector.newBuilder()
                                    .addNodeSelectorTerms(
                                        NodeSelectorTerm.newBuilder()
                                            .addMatchExpressions(
                                                NodeSelectorRequirement.newBuilder()
                                                    .setKey("topology.kubernetes.io/zone")
                                                    .setOperator("In")
                                                    .addValues("antarctica-east1")
                                                    .addValues("antarctica-west1"))
                                            .addMatchFields(
                                                NodeSelectorRequirement.newBuilder()
                                                    .setKey("metadata.name")
                                                    .setOperator("NotIn")
                                                    .addValues("node-9"))))
                            .addPreferredDuringSchedulingIgnoredDuringExecution(
                                PreferredSchedulingTerm.newBuilder()
                                    .setWeight(1)
                                    .setPreference(
                                        NodeSelectorTerm.newBuilder()
                                            .addMatchExpressions(
                                                NodeSelectorRequirement.newBuilder()
                                                    .setKey("another-node-label-key")
                                                    .setOperator("In")
                                                    .addValues("another-node-label-value"))))))
            .setSchedulerName("default-scheduler")
            .addTolerations(
                Toleration.newBuilder()
                    .setKey("node.kubernetes.io/not-ready")
                    .setOperator("Exists")
                    .setEffect("NoExecute")
                    .setTolerationSeconds(300))
            .addTolerations(
                Toleration.newBuilder()
                    .setKey("dedicated")
                    .setOperator("Equal")
                    .setValue("web")
                    .setEffect("NoSchedule"))
            .setPriorityClassName("high-priority")
            .setPriority(1000000)
            .addTopologySpreadConstraints(
                TopologySpreadConstraint.newBuilder()
                    .setMaxSkew(1)
                    .setTopologyKey("topology.kubernetes.io/zone")
                    .setWhenUnsatisfiable("DoNotSchedule")
                    .setLabelSelector(
                        LabelSelector.newBuilder()
                            .putMatchLabels("app", "web")
                            .addMatchExpressions(
                                LabelSelectorRequirement.newBuilder()
                                    .setKey("tier")
                                    .setOperator("In")
                                    .addValues("frontend")))
                    .setMinDomains(2)
                    .addMatchLabelKeys("pod-template-hash")
                    .setNodeAffinityPolicy("Honor")
                    .setNodeTaintsPolicy("Ignore"))
            .setDnsPolicy("ClusterFirst")
            .setHostNetwork(true)
            .build();
    PodStatus status =
        PodStatus.newBuilder()
            .setPhase("Running")
            .addConditions(
                PodCondition.newBuilder()
                    .setType("PodScheduled")
                    .setStatus("True")
                    .setLastTransitionTime(ts("2024-05-01T10:00:01Z")))
            .addConditions(
                PodCondition.newBuilder()
                    .setType("Ready")
                    .setStatus("False")
                    .setLastProbeTime(ts("2024-05-01T10:00:05Z"))
                    .setLastTransitionTime(ts("2024-05-01T10:00:05Z"))
                    .setReason("ContainersNotReady")
                    .setMessage("containers with unready status: [app]"))
            .setMessage("pod is running")
            .setReason("Evicted")
            .setNominatedNodeName("node-2")
            .setHostIp("10.0.0.11")
            .addHostIps(HostIP.newBuilder().setIp("10.0.0.11"))
            .setPodIp("10.244.1.7")
            .addPodIps(PodIP.newBuilder().setIp("10.244.1.7"))
            .addPodIps(PodIP.newBuilder().setIp("fd00::7"))
            .setStartTime(ts("2024-05-01T10:00:01Z"))
            .addInitContainerStatuses(
                ContainerStatus.newBuilder()
                    .setName("init-myservice")
                    .setState(
                        ContainerState.newBuilder()
                            .setTerminated(
                                ContainerStateTerminated.newBuilder()
                                    .setExitCode(0)
                                    .setSignal(0)
                                    .setReason("Completed")
                                    .setMessage("done")
                                    .setStartedAt(ts("2024-05-01T10:00:02Z"))
                                    .setFinishedAt(ts("2024-05-01T10:00:03Z"))
                                    .setContainerId("containerd://aaaa")))
                    .setReady(true)
                    .setImage("busybox:1.28")
                    .setImageId(
                        "docker.io/library/busybox@sha256:141c253bc4c3fd0a201d32dc1f493bcf3fff003b6df416dea4f41046e0f37d47")
                    .setContainerId("containerd://aaaa")
                    .setStarted(false))
            .addContainerStatuses(
                ContainerStatus.newBuilder()
                    .setName("app")
                    .setState(
                        ContainerState.newBuilder()
                            .setRunning(
                                ContainerStateRunning.newBuilder()
                                    .setStartedAt(ts("2024-05-01T10:00:04Z"))))
                    .setLastState(
                        ContainerState.newBuilder()
                            .setTerminated(
                                ContainerStateTerminated.newBuilder()
                                    .setExitCode(137)
                                    .setSignal(9)
                                    .setReason("OOMKilled")))
                    .setReady(false)
                    .setRestartCount(2)
                    .setImage("registry.k8s.io/nginx:1.25")
                    .setImageId("registry.k8s.io/nginx@sha256:0123")
                    .setContainerId("containerd://bbbb")
                    .setStarted(true))
            .addContainerStatuses(
                ContainerStatus.newBuilder()
                    .setName("sidecar")
                    .setState(
                        ContainerState.newBuilder()
                            .setWaiting(
                                ContainerStateWaiting.newBuilder()
                                    .setReason("CrashLoopBackOff")
                                    .setMessage("back-off 5m0s restarting failed container"))))
            .setQosClass("Burstable")
            .build();
    return Pod.newBuilder()
        .setApiVersion("v1")
        .setKind("Pod")
        .setMetadata(metadata)
        .setSpec(spec)
        .setStatus(status)
        .build();
  }

  static Node node() {
    return Node.newBuilder()
        .setApiVersion("v1")
        .setKind("Node")
        .setMetadata(meta("", "node-1"))
        .setSpec(
            NodeSpec.newBuilder()
                .setPodCidr("10.244.1.0/24")
                .addPodCidrs("10.244.1.0/24")
                .addPodCidrs("fd00:1::/64")
                .setProviderId("kubelite://node-1")
                .setUnschedulable(true)
                .addTaints(
                    Taint.newBuilder()
                        .setKey("node.kubernetes.io/unreachable")
                        .setEffect("NoExecute")
                        .setTimeAdded(ts("2024-05-01T10:05:00Z")))
                .addTaints(
                    Taint.newBuilder().setKey("dedicated").setValue("gpu").setEffect("NoSchedule")))
        .setStatus(
            NodeStatus.newBuilder()
                .putCapacity("cpu", "8")
                .putCapacity("memory", "32Gi")
                .putCapacity("pods", "110")
                .putAllocatable("cpu", "7800m")
                .putAllocatable("memory", "31Gi")
                .putAllocatable("pods", "110")
                .setPhase("Running")
                .addConditions(
                    NodeCondition.newBuilder()
                        .setType("Ready")
                        .setStatus("True")
                        .setLastHeartbeatTime(ts("2024-05-01T10:04:50Z"))
                        .setLastTransitionTime(ts("2024-05-01T10:00:00Z"))
                        .setReason("KubeletReady")
                        .setMessage("kubelet is posting ready status"))
                .addAddresses(
                    NodeAddress.newBuilder().setType("InternalIP").setAddress("10.0.0.11"))
                .addAddresses(NodeAddress.newBuilder().setType("Hostname").setAddress("node-1"))
                .setDaemonEndpoints(
                    NodeDaemonEndpoints.newBuilder()
                        .setKubeletEndpoint(DaemonEndpoint.newBuilder().setPort(10250)))
                .setNodeInfo(
                    NodeSystemInfo.newBuilder()
                        .setMachineId("ec2d8f0e0a0b4b6f9f1a")
                        .setSystemUuid("EC2D8F0E-0A0B-4B6F")
                        .setBootId("6d4b2f1a-boot")
                        .setKernelVersion("6.1.0-18-amd64")
                        .setOsImage("Debian GNU/Linux 12 (bookworm)")
                        .setContainerRuntimeVersion("kubelite-sim://0.1.0")
                        .setKubeletVersion("v1.30.0-kubelite")
                        .setKubeProxyVersion("v1.30.0-kubelite")
                        .setOperatingSystem("linux")
                        .setArchitecture("amd64")))
        .build();
  }

  static Lease lease() {
    return Lease.newBuilder()
        .setApiVersion("coordination.k8s.io/v1")
        .setKind("Lease")
        .setMetadata(meta("kube-node-lease", "node-1"))
        .setSpec(
            LeaseSpec.newBuilder()
                .setHolderIdentity("node-1")
                .setLeaseDurationSeconds(40)
                .setAcquireTime(ts("2024-05-01T10:00:00.000001Z"))
                .setRenewTime(ts("2024-05-01T10:04:50.123456Z"))
                .setLeaseTransitions(0))
        .build();
  }

  static Namespace namespace() {
    return Namespace.newBuilder()
        .setApiVersion("v1")
        .setKind("Namespace")
        .setMetadata(meta("", "team-a"))
        .setSpec(NamespaceSpec.newBuilder().addFinalizers("kubernetes"))
        .setStatus(
            NamespaceStatus.newBuilder()
                .setPhase("Terminating")
                .addConditions(
                    NamespaceCondition.newBuilder()
                        .setType("NamespaceDeletionContentFailure")
                        .setStatus("False")
                        .setLastTransitionTime(ts("2024-05-01T10:00:00Z"))
                        .setReason("ContentDeleted")
                        .setMessage("All content successfully deleted")))
        .build();
  }

  static ServiceAccount serviceAccount() {
    return ServiceAccount.newBuilder()
        .setApiVersion("v1")
        .setKind("ServiceAccount")
        .setMetadata(meta("default", "web"))
        .addSecrets(ObjectReference.newBuilder().setName("web-token"))
        .setAutomountServiceAccountToken(false)
        .build();
  }

  static Secret secret() {
    return Secret.newBuilder()
        .setApiVersion("v1")
        .setKind("Secret")
        .setMetadata(meta("default", "db"))
        .putData("password", ByteString.copyFrom("s3cr3t!\u00e9", StandardCharsets.UTF_8))
        .putData("binary", ByteString.copyFrom(new byte[] {0, -1, 2, -3}))
        .putStringData("username", "admin")
        .setType("Opaque")
        .setImmutable(true)
        .build();
  }

  static ConfigMap configMap() {
    return ConfigMap.newBuilder()
        .setApiVersion("v1")
        .setKind("ConfigMap")
        .setMetadata(meta("default", "web-config"))
        .putData("app.properties", "color=blue\nmode=\u00e9t\u00e9\n")
        .putBinaryData("logo.bin", ByteString.copyFrom(new byte[] {0, -1, 2, -3}))
        .setImmutable(false)
        .build();
  }

  static LimitRange limitRange() {
    return LimitRange.newBuilder()
        .setApiVersion("v1")
        .setKind("LimitRange")
        .setMetadata(meta("default", "limits"))
        .setSpec(
            LimitRangeSpec.newBuilder()
                .addLimits(
                    LimitRangeItem.newBuilder()
                        .setType("Container")
                        .putMax("cpu", "2")
                        .putMin("cpu", "100m")
                        .putDefault("memory", "256Mi")
                        .putDefaultRequest("memory", "128Mi")
                        .putMaxLimitRequestRatio("cpu", "4")))
        .build();
  }

  static ResourceQuota resourceQuota() {
    return ResourceQuota.newBuilder()
        .setApiVersion("v1")
        .setKind("ResourceQuota")
        .setMetadata(meta("default", "compute"))
        .setSpec(
            ResourceQuotaSpec.newBuilder()
                .putHard("pods", "10")
                .addScopes("NotTerminating")
                .setScopeSelector(
                    ScopeSelector.newBuilder()
                        .addMatchExpressions(
                            ScopedResourceSelectorRequirement.newBuilder()
                                .setScopeName("PriorityClass")
                                .setOperator("In")
                                .addValues("high"))))
        .setStatus(ResourceQuotaStatus.newBuilder().putHard("pods", "10").putUsed("pods", "3"))
        .build();
  }

  static PodDisruptionBudget podDisruptionBudget() {
    return PodDisruptionBudget.newBuilder()
        .setApiVersion("policy/v1")
        .setKind("PodDisruptionBudget")
        .setMetadata(meta("default", "web"))
        .setSpec(
            PodDisruptionBudgetSpec.newBuilder()
                .setMinAvailable(IntOrString.of(2))
                .setMaxUnavailable(IntOrString.of("25%"))
                .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "web"))
                .setUnhealthyPodEvictionPolicy("AlwaysAllow"))
        .setStatus(
            PodDisruptionBudgetStatus.newBuilder()
                .setObservedGeneration(3)
                .putDisruptedPods("web-1", ts("2026-12-04T12:00:01Z"))
                .setDisruptionsAllowed(1)
                .setCurrentHealthy(3)
                .setDesiredHealthy(2)
                .setExpectedPods(3)
                .addConditions(
                    Condition.newBuilder()
                        .setType("DisruptionAllowed")
                        .setStatus("True")
                        .setObservedGeneration(3)
                        .setLastTransitionTime(ts("2026-12-04T12:00:02Z"))
                        .setReason("SufficientPods")
                        .setMessage("budget met")))
        .build();
  }

  static ReplicaSet replicaSet() {
    Pod pod = pod();
    return ReplicaSet.newBuilder()
        .setApiVersion("apps/v1")
        .setKind("ReplicaSet")
        .setMetadata(meta("default", "web-7f9c6").toBuilder().setGeneration(3))
        .setSpec(
            ReplicaSetSpec.newBuilder()
                .setReplicas(3)
                .setMinReadySeconds(5)
                .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "web"))
                .setTemplate(
                    PodTemplateSpec.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().putLabels("app", "web"))
                        .setSpec(pod.getSpec().toBuilder().clearNodeName())))
        .setStatus(
            ReplicaSetStatus.newBuilder()
                .setReplicas(3)
                .setFullyLabeledReplicas(3)
                .setReadyReplicas(2)
                .setAvailableReplicas(2)
                .setObservedGeneration(3)
                .addConditions(
                    ReplicaSetCondition.newBuilder()
                        .setType("ReplicaFailure")
                        .setStatus("True")
                        .setLastTransitionTime(ts("2024-05-01T10:00:00Z"))
                        .setReason("FailedCreate")
                        .setMessage("pods \"web-7f9c6-x\" is forbidden")))
        .build();
  }

  static DaemonSet daemonSet() {
    Pod pod = pod();
    return DaemonSet.newBuilder()
        .setApiVersion("apps/v1")
        .setKind("DaemonSet")
        .setMetadata(meta("kube-system", "fluentd").toBuilder().setGeneration(2))
        .setSpec(
            DaemonSetSpec.newBuilder()
                .setSelector(LabelSelector.newBuilder().putMatchLabels("name", "fluentd"))
                .setTemplate(
                    PodTemplateSpec.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().putLabels("name", "fluentd"))
                        .setSpec(pod.getSpec().toBuilder().clearNodeName()))
                .setUpdateStrategy(
                    DaemonSetUpdateStrategy.newBuilder()
                        .setType("RollingUpdate")
                        .setRollingUpdate(
                            RollingUpdateDaemonSet.newBuilder()
                                .setMaxUnavailable(IntOrString.of(0))
                                .setMaxSurge(IntOrString.of("25%"))))
                .setMinReadySeconds(5)
                .setRevisionHistoryLimit(10))
        .setStatus(
            DaemonSetStatus.newBuilder()
                .setCurrentNumberScheduled(3)
                .setNumberMisscheduled(1)
                .setDesiredNumberScheduled(3)
                .setNumberReady(2)
                .setObservedGeneration(2)
                .setUpdatedNumberScheduled(1)
                .setNumberAvailable(2)
                .setNumberUnavailable(1)
                .setCollisionCount(0)
                .addConditions(
                    DaemonSetCondition.newBuilder()
                        .setType("Stalled")
                        .setStatus("False")
                        .setLastTransitionTime(ts("2024-05-01T10:00:00Z"))
                        .setReason("Progressing")
                        .setMessage("rolling out")))
        .build();
  }

  static Deployment deployment() {
    Pod pod = pod();
    return Deployment.newBuilder()
        .setApiVersion("apps/v1")
        .setKind("Deployment")
        .setMetadata(meta("default", "web").toBuilder().setGeneration(4))
        .setSpec(
            DeploymentSpec.newBuilder()
                .setReplicas(3)
                .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "web"))
                .setTemplate(
                    PodTemplateSpec.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().putLabels("app", "web"))
                        .setSpec(pod.getSpec().toBuilder().clearNodeName()))
                .setStrategy(
                    DeploymentStrategy.newBuilder()
                        .setType("RollingUpdate")
                        .setRollingUpdate(
                            RollingUpdateDeployment.newBuilder()
                                .setMaxUnavailable(IntOrString.of("25%"))
                                .setMaxSurge(IntOrString.of(1))))
                .setMinReadySeconds(5)
                .setRevisionHistoryLimit(10)
                .setPaused(true)
                .setProgressDeadlineSeconds(600))
        .setStatus(
            DeploymentStatus.newBuilder()
                .setObservedGeneration(4)
                .setReplicas(4)
                .setUpdatedReplicas(2)
                .setReadyReplicas(3)
                .setAvailableReplicas(3)
                .setUnavailableReplicas(1)
                .setCollisionCount(1)
                .addConditions(
                    DeploymentCondition.newBuilder()
                        .setType("Progressing")
                        .setStatus("True")
                        .setLastUpdateTime(ts("2024-05-01T10:00:05Z"))
                        .setLastTransitionTime(ts("2024-05-01T10:00:00Z"))
                        .setReason("ReplicaSetUpdated")
                        .setMessage("ReplicaSet \"web-7f9c6\" is progressing.")))
        .build();
  }

  static StatefulSet statefulSet() {
    Pod pod = pod();
    return StatefulSet.newBuilder()
        .setApiVersion("apps/v1")
        .setKind("StatefulSet")
        .setMetadata(meta("default", "db").toBuilder().setGeneration(2))
        .setSpec(
            StatefulSetSpec.newBuilder()
                .setReplicas(3)
                .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "db"))
                .setTemplate(
                    PodTemplateSpec.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().putLabels("app", "db"))
                        .setSpec(pod.getSpec().toBuilder().clearNodeName()))
                .addVolumeClaimTemplates(
                    PersistentVolumeClaim.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("data"))
                        .setSpec(
                            PersistentVolumeClaimSpec.newBuilder()
                                .addAccessModes("ReadWriteOnce")
                                .setResources(
                                    VolumeResourceRequirements.newBuilder()
                                        .putRequests("storage", "1Gi"))))
                .setServiceName("db")
                .setPodManagementPolicy("Parallel")
                .setUpdateStrategy(
                    StatefulSetUpdateStrategy.newBuilder()
                        .setType("RollingUpdate")
                        .setRollingUpdate(
                            RollingUpdateStatefulSetStrategy.newBuilder()
                                .setPartition(1)
                                .setMaxUnavailable(IntOrString.of(1))))
                .setRevisionHistoryLimit(10)
                .setMinReadySeconds(5)
                .setPersistentVolumeClaimRetentionPolicy(
                    StatefulSetPersistentVolumeClaimRetentionPolicy.newBuilder()
                        .setWhenDeleted("Retain")
                        .setWhenScaled("Delete"))
                .setOrdinals(StatefulSetOrdinals.newBuilder().setStart(1)))
        .setStatus(
            StatefulSetStatus.newBuilder()
                .setObservedGeneration(2)
                .setReplicas(3)
                .setReadyReplicas(2)
                .setCurrentReplicas(2)
                .setUpdatedReplicas(1)
                .setCurrentRevision("db-5d8f7c")
                .setUpdateRevision("db-6c9d8b")
                .setCollisionCount(0)
                .addConditions(
                    StatefulSetCondition.newBuilder()
                        .setType("Stalled")
                        .setStatus("False")
                        .setLastTransitionTime(ts("2024-05-01T10:00:00Z"))
                        .setReason("Progressing")
                        .setMessage("rolling out"))
                .setAvailableReplicas(2))
        .build();
  }

  static ControllerRevision controllerRevision() {
    return ControllerRevision.newBuilder()
        .setApiVersion("apps/v1")
        .setKind("ControllerRevision")
        .setMetadata(meta("default", "db-5d8f7c"))
        .setData(
            Struct.newBuilder()
                .putFields(
                    "spec",
                    Value.newBuilder()
                        .setStructValue(
                            Struct.newBuilder()
                                .putFields(
                                    "replicas", Value.newBuilder().setNumberValue(3).build()))
                        .build()))
        .setRevision(2)
        .build();
  }

  static Service service() {
    return Service.newBuilder()
        .setApiVersion("v1")
        .setKind("Service")
        .setMetadata(meta("default", "web"))
        .setSpec(
            ServiceSpec.newBuilder()
                .addPorts(
                    ServicePort.newBuilder()
                        .setName("http")
                        .setProtocol("TCP")
                        .setAppProtocol("http")
                        .setPort(80)
                        .setTargetPort(IntOrString.of("http"))
                        .setNodePort(30080))
                .addPorts(
                    ServicePort.newBuilder()
                        .setName("metrics")
                        .setPort(9090)
                        .setTargetPort(IntOrString.of(9090)))
                .putSelector("app", "web")
                .setClusterIp("10.96.0.10")
                .addClusterIps("10.96.0.10")
                .setType("LoadBalancer")
                .setSessionAffinity("None")
                .setExternalName("web.example.com")
                .setPublishNotReadyAddresses(true)
                .setExternalTrafficPolicy("Local")
                .setInternalTrafficPolicy("Cluster")
                .addIpFamilies("IPv4")
                .setIpFamilyPolicy("SingleStack")
                .setAllocateLoadBalancerNodePorts(true))
        .setStatus(
            ServiceStatus.newBuilder()
                .setLoadBalancer(
                    LoadBalancerStatus.newBuilder()
                        .addIngress(
                            LoadBalancerIngress.newBuilder()
                                .setIp("192.0.2.10")
                                .setHostname("lb.example.com"))))
        .build();
  }

  static Endpoints endpoints() {
    return Endpoints.newBuilder()
        .setApiVersion("v1")
        .setKind("Endpoints")
        .setMetadata(meta("default", "web"))
        .addSubsets(
            EndpointSubset.newBuilder()
                .addAddresses(
                    EndpointAddress.newBuilder()
                        .setIp("10.244.1.7")
                        .setHostname("web-0")
                        .setNodeName("node-1")
                        .setTargetRef(
                            ObjectReference.newBuilder()
                                .setKind("Pod")
                                .setNamespace("default")
                                .setName("web-7f9c6-abcde")
                                .setUid("7d2f5a4e-1c3b-4f6e-9a8d-2b1c0e9f8a7b")))
                .addNotReadyAddresses(EndpointAddress.newBuilder().setIp("10.244.2.8"))
                .addPorts(
                    EndpointPort.newBuilder()
                        .setName("http")
                        .setPort(80)
                        .setProtocol("TCP")
                        .setAppProtocol("http")))
        .build();
  }

  static io.kubelite.api.discovery.EndpointSlice endpointSlice() {
    return io.kubelite.api.discovery.EndpointSlice.newBuilder()
        .setApiVersion("discovery.k8s.io/v1")
        .setKind("EndpointSlice")
        .setMetadata(
            meta("default", "web-x7k2p").toBuilder().putLabels("kubernetes.io/service-name", "web"))
        .setAddressType("IPv4")
        .addEndpoints(
            io.kubelite.api.discovery.Endpoint.newBuilder()
                .addAddresses("10.244.1.7")
                .setConditions(
                    io.kubelite.api.discovery.EndpointConditions.newBuilder()
                        .setReady(false)
                        .setServing(true)
                        .setTerminating(true))
                .setHostname("web-0")
                .setTargetRef(
                    ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setNamespace("default")
                        .setName("web-0")
                        .setUid("7d2f5a4e-1c3b-4f6e-9a8d-2b1c0e9f8a7b"))
                .putDeprecatedTopology("kubernetes.io/hostname", "node-1")
                .setNodeName("node-1")
                .setZone("zone-a")
                .setHints(
                    io.kubelite.api.discovery.EndpointHints.newBuilder()
                        .addForZones(
                            io.kubelite.api.discovery.ForZone.newBuilder().setName("zone-a"))))
        .addPorts(
            io.kubelite.api.discovery.EndpointPort.newBuilder()
                .setName("http")
                .setProtocol("TCP")
                .setPort(8080)
                .setAppProtocol("http"))
        .build();
  }

  static Event event() {
    return Event.newBuilder()
        .setApiVersion("v1")
        .setKind("Event")
        .setMetadata(meta("default", "web-7f9c6-abcde.17c3e6a1b2c3d4e5"))
        .setInvolvedObject(
            ObjectReference.newBuilder()
                .setKind("Pod")
                .setNamespace("default")
                .setName("web-7f9c6-abcde")
                .setUid("7d2f5a4e-1c3b-4f6e-9a8d-2b1c0e9f8a7b")
                .setApiVersion("v1")
                .setResourceVersion("12345")
                .setFieldPath("spec.containers{app}"))
        .setReason("Scheduled")
        .setMessage("Successfully assigned default/web-7f9c6-abcde to node-1")
        .setSource(EventSource.newBuilder().setComponent("default-scheduler").setHost("node-1"))
        .setFirstTimestamp(ts("2024-05-01T10:00:01Z"))
        .setLastTimestamp(ts("2024-05-01T10:00:01Z"))
        .setCount(1)
        .setType("Normal")
        .setEventTime(ts("2024-05-01T10:00:01.123456Z"))
        .setAction("Binding")
        .setReportingComponent("default-scheduler")
        .setReportingInstance("default-scheduler-host-1")
        .setSeries(
            EventSeries.newBuilder()
                .setCount(2)
                .setLastObservedTime(ts("2024-05-01T10:00:02.654321Z")))
        .setRelated(ObjectReference.newBuilder().setKind("Node").setName("node-1"))
        .build();
  }

  static Binding binding() {
    return Binding.newBuilder()
        .setApiVersion("v1")
        .setKind("Binding")
        .setMetadata(ObjectMeta.newBuilder().setName("web-7f9c6-abcde").setNamespace("default"))
        .setTarget(
            ObjectReference.newBuilder().setApiVersion("v1").setKind("Node").setName("node-1"))
        .build();
  }

  static Eviction eviction() {
    return Eviction.newBuilder()
        .setApiVersion("policy/v1")
        .setKind("Eviction")
        .setMetadata(ObjectMeta.newBuilder().setName("web-7f9c6-abcde").setNamespace("default"))
        .setDeleteOptions(
            DeleteOptions.newBuilder()
                .setApiVersion("v1")
                .setKind("DeleteOptions")
                .setGracePeriodSeconds(0)
                .setPreconditions(
                    Preconditions.newBuilder()
                        .setUid("7d2f5a4e-1c3b-4f6e-9a8d-2b1c0e9f8a7b")
                        .setResourceVersion("12345"))
                .setOrphanDependents(false)
                .setPropagationPolicy("Background")
                .addDryRun("All"))
        .build();
  }

  static Scale scale() {
    return Scale.newBuilder()
        .setApiVersion("autoscaling/v1")
        .setKind("Scale")
        .setMetadata(meta("default", "web-7f9c6"))
        .setSpec(ScaleSpec.newBuilder().setReplicas(3))
        .setStatus(ScaleStatus.newBuilder().setReplicas(2).setSelector("app=web"))
        .build();
  }

  static HorizontalPodAutoscaler horizontalPodAutoscaler() {
    return HorizontalPodAutoscaler.newBuilder()
        .setApiVersion("autoscaling/v1")
        .setKind("HorizontalPodAutoscaler")
        .setMetadata(meta("default", "web-hpa"))
        .setSpec(
            HorizontalPodAutoscalerSpec.newBuilder()
                .setScaleTargetRef(
                    CrossVersionObjectReference.newBuilder()
                        .setApiVersion("apps/v1")
                        .setKind("Deployment")
                        .setName("web"))
                .setMinReplicas(1)
                .setMaxReplicas(5)
                .setTargetCpuUtilizationPercentage(50))
        .setStatus(
            HorizontalPodAutoscalerStatus.newBuilder()
                .setObservedGeneration(2)
                .setLastScaleTime(ts("2024-01-02T03:04:05Z"))
                .setCurrentReplicas(2)
                .setDesiredReplicas(3)
                .setCurrentCpuUtilizationPercentage(70))
        .build();
  }

  static Envelope envelope() {
    return Envelope.newBuilder()
        .setApiVersion("v1")
        .setKind("Node")
        .setRaw(node().toByteString())
        .setStorageVersion(2)
        .build();
  }
}
