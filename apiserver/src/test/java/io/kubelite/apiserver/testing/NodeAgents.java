package io.kubelite.apiserver.testing;

import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodDisruptionBudget;
import io.kubelite.api.PodDisruptionBudgetStatus;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.policy.poddisruptionbudget.PodDisruptionBudgetKind;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.Preconditions;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The writes the API server alone never makes, made straight to etcd as the processes that do
 * make them would: the kubelet's pod status (Running and Ready) and its removal of a pod whose
 * graceful deletion it has finished, and the disruption controller's PodDisruptionBudget status.
 * Tests of the API server use it to stand in for kubelet-sim and the controller-manager.
 */
public final class NodeAgents {
    private final Store store;

    public NodeAgents(Store store) {
        this.store = store;
    }

    /** The kubelet's status of a started pod: Running, Ready=True. */
    public Pod markRunningAndReady(String ns, String name) {
        return join(store.of(PodKind.RESOURCE).guaranteedUpdate(ns, name, p -> {
            Pod.Builder b = p.toBuilder();
            b.getStatusBuilder()
                    .setPhase("Running")
                    .clearConditions()
                    .addConditions(PodCondition.newBuilder().setType("Ready").setStatus("True"));
            return b.build();
        }));
    }

    /** The kubelet finishing a graceful deletion: the pod is removed (false if it was gone already). */
    public boolean finishDeletion(Pod p) {
        try {
            join(store.of(PodKind.RESOURCE)
                    .delete(
                            p.getMetadata().getNamespace(),
                            p.getMetadata().getName(),
                            Preconditions.uid(p.getMetadata().getUid())));
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** The disruption controller's status of a budget, observed at its current generation. */
    public PodDisruptionBudget budgetStatus(
            String ns, String name, int allowed, int current, int desired, int expected) {
        return join(store.of(PodDisruptionBudgetKind.RESOURCE)
                .guaranteedUpdate(
                        ns,
                        name,
                        p -> p.toBuilder()
                                .setStatus(PodDisruptionBudgetStatus.newBuilder()
                                        .setObservedGeneration(p.getMetadata().getGeneration())
                                        .setDisruptionsAllowed(allowed)
                                        .setCurrentHealthy(current)
                                        .setDesiredHealthy(desired)
                                        .setExpectedPods(expected))
                                .build()));
    }

    public Store store() {
        return store;
    }

    public static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            StoreException se = StoreException.unwrap(e);
            throw se != null ? se : new RuntimeException(e);
        }
    }
}
