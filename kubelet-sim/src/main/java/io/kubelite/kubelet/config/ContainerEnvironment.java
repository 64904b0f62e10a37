package io.kubelite.kubelet.config;

import io.kubelite.api.ConfigMap;
import io.kubelite.api.ConfigMapEnvSource;
import io.kubelite.api.ConfigMapKeySelector;
import io.kubelite.api.Container;
import io.kubelite.api.EnvFromSource;
import io.kubelite.api.EnvVar;
import io.kubelite.api.EnvVarSource;
import io.kubelite.api.Pod;
import io.kubelite.api.Secret;
import io.kubelite.api.SecretEnvSource;
import io.kubelite.api.SecretKeySelector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A container's environment and expanded command line, as the kubelet's
 * makeEnvironmentVariables and ExpandContainerCommandAndArgs make them: Service variables
 * ({@link ServiceEnvironment}), then {@code envFrom} (ConfigMaps and Secrets, with prefix; keys
 * that are not valid variable names skipped with a warning), then {@code env} in order, each
 * value {@code $(VAR)}-expanded against what is defined so far plus the Service variables or
 * taken from its source ({@code configMapKeyRef}, {@code secretKeyRef}, {@code fieldRef},
 * {@code resourceFieldRef}); then {@code command} and {@code args} expanded against the result.
 *
 * <p>A missing ConfigMap, Secret or key that is not {@code optional} fails the whole container
 * with the kubelet's message ({@link ContainerConfigException}).
 */
public final class ContainerEnvironment {
    private static final Pattern ENV_VAR_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    /** The resolved container: its variables in order, its command and args, and Warning Event messages. */
    public record Resolved(Map<String, String> env, List<String> command, List<String> args, List<String> warnings) {}

    private final ConfigObjects objects;

    public ContainerEnvironment(ConfigObjects objects) {
        this.objects = objects;
    }

    public Resolved resolve(Pod pod, Container c, DownwardApi downward) throws ContainerConfigException {
        String ns = pod.getMetadata().getNamespace();
        boolean links = !pod.getSpec().hasEnableServiceLinks() || pod.getSpec().getEnableServiceLinks();
        Map<String, String> serviceEnv = ServiceEnvironment.forPod(objects.services(), ns, links);
        Map<String, String> env = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (EnvFromSource from : c.getEnvFromList()) {
            if (from.hasConfigMapRef()) {
                ConfigMapEnvSource ref = from.getConfigMapRef();
                Optional<ConfigMap> cm = objects.configMap(ns, ref.getName());
                if (cm.isEmpty()) {
                    if (ref.getOptional()) {
                        continue;
                    }
                    throw new ContainerConfigException("configmap \"" + ref.getName() + "\" not found");
                }
                addAll(
                        env,
                        from.getPrefix(),
                        new TreeMap<>(cm.get().getDataMap()),
                        "configMap",
                        ns,
                        ref.getName(),
                        warnings);
            } else if (from.hasSecretRef()) {
                SecretEnvSource ref = from.getSecretRef();
                Optional<Secret> s = objects.secret(ns, ref.getName());
                if (s.isEmpty()) {
                    if (ref.getOptional()) {
                        continue;
                    }
                    throw new ContainerConfigException("secret \"" + ref.getName() + "\" not found");
                }
                Map<String, String> data = new TreeMap<>();
                s.get().getDataMap().forEach((k, v) -> data.put(k, v.toString(StandardCharsets.UTF_8)));
                addAll(env, from.getPrefix(), data, "secret", ns, ref.getName(), warnings);
            }
        }
        for (EnvVar v : c.getEnvList()) {
            String value = v.getValue();
            if (!value.isEmpty()) {
                value = EnvExpansion.expand(
                        value, name -> env.containsKey(name) ? env.get(name) : serviceEnv.get(name));
            } else if (v.hasValueFrom()) {
                Optional<String> from = valueFrom(ns, v.getValueFrom(), c, downward);
                if (from.isEmpty()) {
                    continue; // optional and missing: the variable is not set at all
                }
                value = from.get();
            }
            env.put(v.getName(), value);
        }
        serviceEnv.forEach(env::putIfAbsent);
        List<String> command = new ArrayList<>();
        for (String s : c.getCommandList()) {
            command.add(EnvExpansion.expand(s, env::get));
        }
        List<String> args = new ArrayList<>();
        for (String s : c.getArgsList()) {
            args.add(EnvExpansion.expand(s, env::get));
        }
        return new Resolved(env, command, args, warnings);
    }

    private Optional<String> valueFrom(String ns, EnvVarSource src, Container c, DownwardApi downward)
            throws ContainerConfigException {
        if (src.hasFieldRef()) {
            return Optional.of(downward.field(src.getFieldRef()));
        }
        if (src.hasResourceFieldRef()) {
            return Optional.of(downward.resource(src.getResourceFieldRef(), c));
        }
        if (src.hasConfigMapKeyRef()) {
            ConfigMapKeySelector ref = src.getConfigMapKeyRef();
            Optional<ConfigMap> cm = objects.configMap(ns, ref.getName());
            if (cm.isEmpty()) {
                if (ref.getOptional()) {
                    return Optional.empty();
                }
                throw new ContainerConfigException("configmap \"" + ref.getName() + "\" not found");
            }
            String value = cm.get().getDataMap().get(ref.getKey());
            if (value == null && !ref.getOptional()) {
                throw new ContainerConfigException(
                        "couldn't find key " + ref.getKey() + " in ConfigMap " + ns + "/" + ref.getName());
            }
            return Optional.ofNullable(value);
        }
        if (src.hasSecretKeyRef()) {
            SecretKeySelector ref = src.getSecretKeyRef();
            Optional<Secret> s = objects.secret(ns, ref.getName());
            if (s.isEmpty()) {
                if (ref.getOptional()) {
                    return Optional.empty();
                }
                throw new ContainerConfigException("secret \"" + ref.getName() + "\" not found");
            }
            var value = s.get().getDataMap().get(ref.getKey());
            if (value == null && !ref.getOptional()) {
                throw new ContainerConfigException(
                        "couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName());
            }
            return Optional.ofNullable(value).map(b -> b.toString(StandardCharsets.UTF_8));
        }
        return Optional.of("");
    }

    private static void addAll(
            Map<String, String> env,
            String prefix,
            Map<String, String> data,
            String kind,
            String ns,
            String name,
            List<String> warnings) {
        List<String> invalid = new ArrayList<>();
        data.forEach((k, v) -> {
            String key = prefix + k;
            if (!isEnvVarName(key)) {
                invalid.add(key);
            } else {
                env.put(key, v);
            }
        });
        if (!invalid.isEmpty()) {
            invalid.sort(null);
            warnings.add("Keys [" + String.join(", ", invalid) + "] from the EnvFrom " + kind + " " + ns + "/" + name
                    + " were skipped since they are considered invalid environment variable names.");
        }
    }

    /** kube's IsEnvVarName: letters, digits, '_', '-', '.', not starting with a digit, never "." or "..*". */
    static boolean isEnvVarName(String s) {
        return ENV_VAR_NAME.matcher(s).matches() && !s.equals(".") && !s.startsWith("..");
    }
}
