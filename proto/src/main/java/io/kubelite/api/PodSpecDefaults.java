package io.kubelite.api;

import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * Kubernetes' defaults for a pod spec, in one place for every writer of pods: the API server
 * applies them to pods it creates, the ReplicaSet controller to the pods it writes straight to etcd
 * (so they look the same as pods created through the API).
 *
 * <ul>
 *   <li>{@link #scheme}: the scheme defaults applied on every write (restartPolicy Always,
 *       terminationGracePeriodSeconds 30, schedulerName default-scheduler, dnsPolicy ClusterFirst,
 *       imagePullPolicy by tag, terminationMessagePath /dev/termination-log and
 *       terminationMessagePolicy File (ephemeral containers' too), port protocol TCP, probe
 *       timings, a gRPC probe's service "", an httpGet probe's or lifecycle handler's path "/" and
 *       scheme HTTP, an empty pod securityContext, volumes: emptyDir when no source is set,
 *       defaultMode 0644 (420) for secret, configMap, downwardAPI and projected volumes, a
 *       projected token's expirationSeconds 3600, and hostPath's type "");
 *   <li>{@link #admission}: what a new pod (never a template) gets: kube's pod-only scheme defaults
 *       ({@link #podOnly}), serviceAccountName {@code default} ({@link #serviceAccount}, the
 *       ServiceAccount admission plugin's) and 300 s NoExecute tolerations of the not-ready and
 *       unreachable taints unless one already covers them ({@link #defaultTolerations}, the
 *       DefaultTolerationSeconds plugin's). The API server applies the last two through its
 *       admission chain, so that they can be disabled there.
 * </ul>
 */
public final class PodSpecDefaults {
  public static final String NOT_READY_TAINT = "node.kubernetes.io/not-ready";
  public static final String UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";
  public static final long DEFAULT_TOLERATION_SECONDS = 300;

  /** kube's default file mode of secret, configMap, downwardAPI and projected volumes: 0644. */
  public static final int DEFAULT_MODE = 0644;

  /** kube's TerminationMessagePathDefault. */
  public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";

  /** kube's default terminationMessagePolicy (TerminationMessageReadFile). */
  public static final String TERMINATION_MESSAGE_POLICY = "File";

  private PodSpecDefaults() {}

  /** The scheme defaults. */
  public static PodSpec scheme(PodSpec spec) {
    PodSpec.Builder b = spec.toBuilder();
    if (b.getRestartPolicy().isEmpty()) {
      b.setRestartPolicy("Always");
    }
    if (!b.hasTerminationGracePeriodSeconds()) {
      b.setTerminationGracePeriodSeconds(30);
    }
    if (b.getSchedulerName().isEmpty()) {
      b.setSchedulerName("default-scheduler");
    }
    if (b.getDnsPolicy().isEmpty()) {
      b.setDnsPolicy("ClusterFirst");
    }
    if (!b.hasSecurityContext()) {
      b.setSecurityContext(PodSecurityContext.getDefaultInstance());
    }
    for (int i = 0; i < b.getContainersCount(); i++) {
      b.setContainers(i, container(b.getContainers(i)));
    }
    for (int i = 0; i < b.getVolumesCount(); i++) {
      b.setVolumes(i, volume(b.getVolumes(i)));
    }
    for (int i = 0; i < b.getInitContainersCount(); i++) {
      b.setInitContainers(i, container(b.getInitContainers(i)));
    }
    for (int i = 0; i < b.getEphemeralContainersCount(); i++) {
      b.setEphemeralContainers(i, ephemeralContainer(b.getEphemeralContainers(i)));
    }
    return b.build();
  }

  /**
   * Everything a new pod written straight to etcd by a controller gets that its template does not:
   * {@link #podOnly}, then what the ServiceAccount and DefaultTolerationSeconds admission plugins
   * add to a pod created through the API server.
   */
  public static PodSpec admission(PodSpec spec) {
    return defaultTolerations(serviceAccount(podOnly(spec)));
  }

  /**
   * kube's pod-only scheme defaults (a pod's, never a template's): enableServiceLinks true, a
   * container's requests from its limits where it sets none.
   */
  public static PodSpec podOnly(PodSpec spec) {
    PodSpec.Builder b = spec.toBuilder();
    if (!b.hasEnableServiceLinks()) {
      b.setEnableServiceLinks(true);
    }
    for (Container.Builder c : b.getContainersBuilderList()) {
      requestsFromLimits(c);
    }
    for (Container.Builder c : b.getInitContainersBuilderList()) {
      requestsFromLimits(c);
    }
    return b.build();
  }

  /**
   * The ServiceAccount admission plugin's defaulting: serviceAccountName {@code default} when
   * unset.
   */
  public static PodSpec serviceAccount(PodSpec spec) {
    return spec.getServiceAccountName().isEmpty()
        ? spec.toBuilder().setServiceAccountName("default").build()
        : spec;
  }

  /**
   * The DefaultTolerationSeconds admission plugin: 300 s NoExecute tolerations of the not-ready and
   * unreachable taints, each unless a toleration already covers it.
   */
  public static PodSpec defaultTolerations(PodSpec spec) {
    PodSpec.Builder b = spec.toBuilder();
    addToleration(b, NOT_READY_TAINT);
    addToleration(b, UNREACHABLE_TAINT);
    return b.build();
  }

  /** kube's SetDefaults_Pod: a resource limited but not requested is requested at its limit. */
  private static void requestsFromLimits(Container.Builder c) {
    if (!c.hasResources() || c.getResources().getLimitsCount() == 0) {
      return;
    }
    ResourceRequirements.Builder r = c.getResourcesBuilder();
    r.getLimitsMap()
        .forEach(
            (name, limit) -> {
              if (!r.containsRequests(name)) {
                r.putRequests(name, limit);
              }
            });
  }

  private static void addToleration(PodSpec.Builder b, String key) {
    for (Toleration t : b.getTolerationsList()) {
      boolean matchesKey =
          t.getKey().equals(key) || (t.getKey().isEmpty() && "Exists".equals(t.getOperator()));
      boolean matchesEffect = t.getEffect().isEmpty() || t.getEffect().equals("NoExecute");
      if (matchesKey && matchesEffect) {
        return;
      }
    }
    b.addTolerations(
        Toleration.newBuilder()
            .setKey(key)
            .setOperator("Exists")
            .setEffect("NoExecute")
            .setTolerationSeconds(DEFAULT_TOLERATION_SECONDS));
  }

  /**
   * The termination-message defaults of an ephemeral container, which kube's generated defaulting
   * applies to EphemeralContainerCommon as to a Container.
   */
  private static EphemeralContainer ephemeralContainer(EphemeralContainer c) {
    EphemeralContainer.Builder b = c.toBuilder();
    if (b.getTerminationMessagePath().isEmpty()) {
      b.setTerminationMessagePath(TERMINATION_MESSAGE_PATH);
    }
    if (b.getTerminationMessagePolicy().isEmpty()) {
      b.setTerminationMessagePolicy(TERMINATION_MESSAGE_POLICY);
    }
    return b.build();
  }

  private static Container container(Container c) {
    Container.Builder b = c.toBuilder();
    if (b.getTerminationMessagePath().isEmpty()) {
      b.setTerminationMessagePath(TERMINATION_MESSAGE_PATH);
    }
    if (b.getTerminationMessagePolicy().isEmpty()) {
      b.setTerminationMessagePolicy(TERMINATION_MESSAGE_POLICY);
    }
    if (b.getImagePullPolicy().isEmpty()) {
      String image = b.getImage();
      String tagPart = image.substring(image.lastIndexOf('/') + 1);
      boolean latest = !tagPart.contains(":") || tagPart.endsWith(":latest");
      if (image.contains("@")) {
        latest = false;
      }
      b.setImagePullPolicy(latest ? "Always" : "IfNotPresent");
    }
    for (int i = 0; i < b.getPortsCount(); i++) {
      ContainerPort p = b.getPorts(i);
      if (p.getProtocol().isEmpty()) {
        b.setPorts(i, p.toBuilder().setProtocol("TCP"));
      }
    }
    if (b.hasLivenessProbe()) {
      b.setLivenessProbe(probe(b.getLivenessProbe()));
    }
    if (b.hasReadinessProbe()) {
      b.setReadinessProbe(probe(b.getReadinessProbe()));
    }
    if (b.hasStartupProbe()) {
      b.setStartupProbe(probe(b.getStartupProbe()));
    }
    if (b.hasLifecycle()) {
      Lifecycle.Builder l = b.getLifecycleBuilder();
      if (l.hasPostStart() && l.getPostStart().hasHttpGet()) {
        l.getPostStartBuilder().setHttpGet(httpGet(l.getPostStart().getHttpGet()));
      }
      if (l.hasPreStop() && l.getPreStop().hasHttpGet()) {
        l.getPreStopBuilder().setHttpGet(httpGet(l.getPreStop().getHttpGet()));
      }
    }
    return b.build();
  }

  /** kube's SetDefaults_Volume and the defaults of the volume sources (pkg/apis/core/v1). */
  static Volume volume(Volume v) {
    Volume.Builder b = v.toBuilder();
    boolean anySource =
        b.getAllFields().keySet().stream()
            .anyMatch(f -> f.getJavaType() == FieldDescriptor.JavaType.MESSAGE);
    if (!anySource) {
      b.setEmptyDir(EmptyDirVolumeSource.getDefaultInstance());
    }
    if (b.hasSecret() && !b.getSecret().hasDefaultMode()) {
      b.getSecretBuilder().setDefaultMode(DEFAULT_MODE);
    }
    if (b.hasConfigMap() && !b.getConfigMap().hasDefaultMode()) {
      b.getConfigMapBuilder().setDefaultMode(DEFAULT_MODE);
    }
    if (b.hasDownwardApi() && !b.getDownwardApi().hasDefaultMode()) {
      b.getDownwardApiBuilder().setDefaultMode(DEFAULT_MODE);
    }
    if (b.hasProjected()) {
      ProjectedVolumeSource.Builder p = b.getProjectedBuilder();
      if (!p.hasDefaultMode()) {
        p.setDefaultMode(DEFAULT_MODE);
      }
      for (VolumeProjection.Builder s : p.getSourcesBuilderList()) {
        if (s.hasServiceAccountToken() && !s.getServiceAccountToken().hasExpirationSeconds()) {
          s.getServiceAccountTokenBuilder().setExpirationSeconds(3600);
        }
      }
    }
    if (b.hasHostPath() && !b.getHostPath().hasType()) {
      b.getHostPathBuilder().setType("");
    }
    return b.build();
  }

  private static Probe probe(Probe p) {
    Probe.Builder b = p.toBuilder();
    if (b.hasHttpGet()) {
      b.setHttpGet(httpGet(b.getHttpGet()));
    }
    if (b.hasGrpc() && !b.getGrpc().hasService()) {
      b.getGrpcBuilder().setService("");
    }
    if (b.getTimeoutSeconds() == 0) {
      b.setTimeoutSeconds(1);
    }
    if (b.getPeriodSeconds() == 0) {
      b.setPeriodSeconds(10);
    }
    if (b.getSuccessThreshold() == 0) {
      b.setSuccessThreshold(1);
    }
    if (b.getFailureThreshold() == 0) {
      b.setFailureThreshold(3);
    }
    return b.build();
  }

  /** kube's SetDefaults_HTTPGetAction. */
  private static HTTPGetAction httpGet(HTTPGetAction h) {
    if (!h.getPath().isEmpty() && !h.getScheme().isEmpty()) {
      return h;
    }
    HTTPGetAction.Builder b = h.toBuilder();
    if (b.getPath().isEmpty()) {
      b.setPath("/");
    }
    if (b.getScheme().isEmpty()) {
      b.setScheme("HTTP");
    }
    return b.build();
  }
}
