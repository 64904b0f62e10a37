/**
 * What the API server does for storage beyond the verbs every kind shares: the default
 * StorageClass created at startup ({@link io.kubelite.apiserver.storage.StorageClassBootstrap})
 * and kube's DefaultStorageClass admission of claims
 * ({@link io.kubelite.apiserver.storage.DefaultStorageClass}). Grouped by kind: see
 * {@link io.kubelite.apiserver.pods} for why.
 */
package io.kubelite.apiserver.storage;
