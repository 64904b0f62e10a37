/**
 * What the API server does for namespaces beyond the verbs every kind shares: marking a
 * namespace Terminating on DELETE ({@link io.kubelite.apiserver.namespaces.NamespaceDeletion};
 * the controller-manager's namespace controller empties and removes it), and the namespaces
 * created at startup ({@link io.kubelite.apiserver.namespaces.NamespaceBootstrap}). The
 * NamespaceLifecycle admission plugin is in {@link io.kubelite.apiserver.admission}. Grouped by
 * kind: see {@link io.kubelite.apiserver.pods} for why.
 */
package io.kubelite.apiserver.namespaces;
