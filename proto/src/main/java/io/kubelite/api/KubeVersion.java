package io.kubelite.api;

/**
 * The Kubernetes version kubelite answers as, in one place: the API server's {@code /version} and
 * OpenAPI, and the kubelet version kubelet-sim reports on its nodes. The API served is a subset of
 * this release's. gcloud's kubectl dispatcher picks the kubectl matching the server's minor
 * version, so this also decides which kubectl runs against kubelite there.
 */
public final class KubeVersion {
  public static final String MAJOR = "1";
  public static final String MINOR = "32";
  public static final String GIT_VERSION = "v" + MAJOR + "." + MINOR + ".5-kubelite";

  private KubeVersion() {}
}
