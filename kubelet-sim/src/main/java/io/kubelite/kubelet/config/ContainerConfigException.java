package io.kubelite.kubelet.config;

/**
 * A container's configuration cannot be generated (a ConfigMap, Secret or key it needs is
 * missing, a field it selects is unsupported): it waits with reason CreateContainerConfigError
 * and this message, the kubelet's wording.
 */
public final class ContainerConfigException extends Exception {
    public ContainerConfigException(String message) {
        super(message);
    }
}
