package io.kubelite.kubelet.config;

import io.kubelite.api.ConfigMap;
import io.kubelite.api.Container;
import io.kubelite.api.DownwardAPIVolumeFile;
import io.kubelite.api.KeyToPath;
import io.kubelite.api.Pod;
import io.kubelite.api.Secret;
import io.kubelite.api.ServiceAccountTokenProjection;
import io.kubelite.api.Volume;
import io.kubelite.api.VolumeProjection;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The files of the volumes the kubelet writes from API objects: configMap, secret, downwardAPI
 * and projected (ConfigMaps, Secrets, downward API, service account token). Each file is a
 * volume-relative path and its bytes; a ConfigMap, Secret or key that is missing and not
 * {@code optional} fails the volume with the kubelet's message (what FailedMount shows after
 * {@code MountVolume.SetUp failed for volume "v" : }).
 *
 * <p>File modes ({@code defaultMode}, {@code mode}) are accepted and not modelled: the simulated
 * filesystem has no permissions.
 */
public final class VolumeContents {
    private final ConfigObjects objects;
    private final ProjectedTokens tokens;

    public VolumeContents(ConfigObjects objects) {
        this(objects, ProjectedTokens.UNSIGNED);
    }

    public VolumeContents(ConfigObjects objects, ProjectedTokens tokens) {
        this.objects = objects;
        this.tokens = tokens;
    }

    /** True for the volume kinds whose files come from API objects (and are refreshed). */
    public static boolean isProjected(Volume v) {
        return v.hasConfigMap() || v.hasSecret() || v.hasDownwardApi() || v.hasProjected();
    }

    /**
     * The files of {@code v} now; {@code held} gives the text the volume holds at a
     * volume-relative path (null if none): a service account token is kept until it is due for
     * renewal, as the kubelet keeps it.
     */
    public Map<String, byte[]> files(Volume v, Pod pod, DownwardApi downward, UnaryOperator<String> held)
            throws ContainerConfigException {
        String ns = pod.getMetadata().getNamespace();
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (v.hasConfigMap()) {
            configMap(
                    ns,
                    v.getConfigMap().getName(),
                    v.getConfigMap().getItemsList(),
                    v.getConfigMap().getOptional(),
                    out);
        } else if (v.hasSecret()) {
            secret(
                    ns,
                    v.getSecret().getSecretName(),
                    v.getSecret().getItemsList(),
                    v.getSecret().getOptional(),
                    out);
        } else if (v.hasDownwardApi()) {
            downward(v.getDownwardApi().getItemsList(), pod, downward, out);
        } else if (v.hasProjected()) {
            for (VolumeProjection p : v.getProjected().getSourcesList()) {
                if (p.hasConfigMap()) {
                    configMap(
                            ns,
                            p.getConfigMap().getName(),
                            p.getConfigMap().getItemsList(),
                            p.getConfigMap().getOptional(),
                            out);
                } else if (p.hasSecret()) {
                    secret(
                            ns,
                            p.getSecret().getName(),
                            p.getSecret().getItemsList(),
                            p.getSecret().getOptional(),
                            out);
                } else if (p.hasDownwardApi()) {
                    downward(p.getDownwardApi().getItemsList(), pod, downward, out);
                } else if (p.hasServiceAccountToken()) {
                    ServiceAccountTokenProjection t = p.getServiceAccountToken();
                    String token = tokens.token(pod, t, accountUid(pod), held.apply(t.getPath()));
                    out.put(t.getPath(), token.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private void configMap(String ns, String name, List<KeyToPath> items, boolean optional, Map<String, byte[]> out)
            throws ContainerConfigException {
        Optional<ConfigMap> cm = objects.configMap(ns, name);
        if (cm.isEmpty()) {
            if (optional) {
                return;
            }
            throw new ContainerConfigException("configmap \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        cm.get().getDataMap().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
        cm.get().getBinaryDataMap().forEach((k, val) -> data.put(k, val.toByteArray()));
        project(data, items, optional, "configmap references non-existent config key: ", out);
    }

    private void secret(String ns, String name, List<KeyToPath> items, boolean optional, Map<String, byte[]> out)
            throws ContainerConfigException {
        Optional<Secret> s = objects.secret(ns, name);
        if (s.isEmpty()) {
            if (optional) {
                return;
            }
            throw new ContainerConfigException("secret \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        s.get().getDataMap().forEach((k, val) -> data.put(k, val.toByteArray()));
        project(data, items, optional, "secret references non-existent secret key: ", out);
    }

    /** Every key as a file of its name, or only {@code items}, each at its path. */
    private static void project(
            Map<String, byte[]> data, List<KeyToPath> items, boolean optional, String missing, Map<String, byte[]> out)
            throws ContainerConfigException {
        if (items.isEmpty()) {
            out.putAll(data);
            return;
        }
        for (KeyToPath item : items) {
            byte[] value = data.get(item.getKey());
            if (value == null) {
                if (optional) {
                    continue;
                }
                throw new ContainerConfigException(missing + item.getKey());
            }
            out.put(item.getPath(), value);
        }
    }

    private static void downward(
            List<DownwardAPIVolumeFile> items, Pod pod, DownwardApi downward, Map<String, byte[]> out)
            throws ContainerConfigException {
        for (DownwardAPIVolumeFile f : items) {
            String value;
            if (f.hasFieldRef()) {
                value = downward.field(f.getFieldRef());
            } else if (f.hasResourceFieldRef()) {
                String name = f.getResourceFieldRef().getContainerName();
                Container c = container(pod, name);
                if (c == null) {
                    throw new ContainerConfigException("container " + name + " not found");
                }
                value = downward.resource(f.getResourceFieldRef(), c);
            } else {
                continue;
            }
            out.put(f.getPath(), value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Container container(Pod pod, String name) {
        for (Container c : pod.getSpec().getContainersList()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        for (Container c : pod.getSpec().getInitContainersList()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** The uid of the pod's service account as the cache knows it; empty when it does not. */
    private String accountUid(Pod pod) {
        String name = pod.getSpec().getServiceAccountName().isEmpty()
                ? "default"
                : pod.getSpec().getServiceAccountName();
        return objects.serviceAccount(pod.getMetadata().getNamespace(), name)
                .map(sa -> sa.getMetadata().getUid())
                .orElse("");
    }
}
