/**
 * What the API server does for ReplicaSets (and Deployments, whose scale is the same) beyond the
 * verbs every kind shares: the autoscaling/v1 {@code scale} subresource ({@link io.kubelite.apiserver.replicasets.ScaleHandler}
 * serving {@link io.kubelite.apiserver.replicasets.ScaleSubresource}'s view). Grouped by
 * kind: see {@link io.kubelite.apiserver.pods} for why.
 */
package io.kubelite.apiserver.replicasets;
