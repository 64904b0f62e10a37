/**
 * What the API server does for pods beyond the verbs every kind shares: the
 * {@code binding} subresource ({@link io.kubelite.apiserver.pods.PodBinding}), the
 * {@code log} subresource proxied to the node's kubelet ({@link io.kubelite.apiserver.pods.LogProxy}),
 * the {@code eviction} subresource honouring PodDisruptionBudgets
 * ({@link io.kubelite.apiserver.pods.PodEviction}) and graceful deletion
 * ({@link io.kubelite.apiserver.pods.PodGracefulDeletion}).
 *
 * <p>Extras are grouped by kind, one package each ({@code pods}, {@code namespaces},
 * {@code replicasets}), rather than in one {@code subresources} package: a kind's extras
 * are not all subresources (graceful deletion and namespace deletion are how DELETE behaves
 * for that kind), and kept together they sit where each kind's strategy (defaulting,
 * validation, deletion style, now decided in {@link io.kubelite.apiserver.KindRules}) is
 * meant to move next. The generic verb handlers in {@code io.kubelite.apiserver} call into
 * these packages only where {@code KindRules} or the route says so.
 */
package io.kubelite.apiserver.pods;
