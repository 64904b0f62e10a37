/**
 * What the API server does for nodes beyond the verbs every kind shares: the {@code proxy}
 * subresource to the node's kubelet ({@link io.kubelite.apiserver.nodes.NodeProxy}).
 */
package io.kubelite.apiserver.nodes;
