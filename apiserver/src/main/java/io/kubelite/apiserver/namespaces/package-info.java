/**
 * What the API server does for namespaces beyond the verbs every kind shares: the
 * NamespaceLifecycle admission on creates ({@link io.kubelite.apiserver.namespaces.NamespaceLifecycle}),
 * deletion through Terminating and emptying ({@link io.kubelite.apiserver.namespaces.NamespaceDeletion},
 * {@link io.kubelite.apiserver.namespaces.NamespaceCleaner}), and the namespaces created at
 * startup ({@link io.kubelite.apiserver.namespaces.NamespaceBootstrap}). kubelite has no
 * namespace controller, so the API server does its work. Grouped by kind: see
 * {@link io.kubelite.apiserver.pods} for why.
 */
package io.kubelite.apiserver.namespaces;
