package io.kubelite.kinds.apps.deployment;

import io.kubelite.api.Deployment;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import java.util.List;

/** Deployments ({@code apps/v1}, namespaced, short name {@code deploy}), with the status and scale subresources. */
public final class DeploymentKind {
    public static final Resource<Deployment> RESOURCE = new Resource<>(
            "apps", "v1", "Deployment", "deployments", true, Deployment.getDefaultInstance(), List.of("deploy"));

    public static final Kind<Deployment> KIND = Kind.of(RESOURCE)
            .strategy(new DeploymentStrategy())
            .columns(DeploymentColumns.COLUMNS)
            .subresources(
                    Subresource.status(),
                    Subresource.of("scale", "get", "patch", "update").exchanging("autoscaling", "v1", "Scale"))
            .build();

    private DeploymentKind() {}
}
