package io.kubelite.e2e;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.ReplicaSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Deployment's rollout replayed from the etcd history of its ReplicaSets and pods: after
 * every revision, the sum of its ReplicaSets' {@code spec.replicas}, its pods that are not
 * being deleted, and those of them that are Ready (available, with minReadySeconds 0).
 * "Its" ReplicaSets are those whose controller reference is the Deployment; its pods those
 * whose controller reference is one of them.
 */
final class RolloutHistory {
    /** The state after every event of {@code revision} was applied. */
    record Counts(long revision, int specReplicas, int pods, int available, Map<String, Integer> byReplicaSet) {
        @Override
        public String toString() {
            return "revision " + revision + ": sum of ReplicaSet spec.replicas " + specReplicas + " " + byReplicaSet
                    + ", pods " + pods + ", available " + available;
        }
    }

    private record PodState(String owner, boolean terminating, boolean ready) {}

    private RolloutHistory() {}

    /** Counts after each revision of {@code events} (merged pod and ReplicaSet history, in revision order). */
    static List<Counts> replay(String deploymentUid, List<EtcdHistory.Event<? extends Message>> events) {
        Map<String, Integer> rsReplicas = new HashMap<>(); // uid of the Deployment's ReplicaSets -> spec.replicas
        Map<String, String> rsNames = new HashMap<>(); // uid -> name
        Map<String, String> rsUidByKey = new HashMap<>();
        Map<String, PodState> pods = new HashMap<>(); // by key
        List<Counts> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            EtcdHistory.Event<? extends Message> e = events.get(i);
            if (e.key().contains("/replicasets/")) {
                if (e.object() == null) {
                    String uid = rsUidByKey.remove(e.key());
                    if (uid != null) {
                        rsReplicas.remove(uid);
                    }
                } else {
                    ReplicaSet rs = (ReplicaSet) e.object();
                    if (deploymentUid.equals(controller(rs.getMetadata()))) {
                        rsUidByKey.put(e.key(), rs.getMetadata().getUid());
                        rsNames.put(rs.getMetadata().getUid(), rs.getMetadata().getName());
                        rsReplicas.put(
                                rs.getMetadata().getUid(),
                                rs.getSpec().hasReplicas() ? rs.getSpec().getReplicas() : 1);
                    }
                }
            } else if (e.object() == null) {
                pods.remove(e.key());
            } else {
                Pod p = (Pod) e.object();
                pods.put(
                        e.key(),
                        new PodState(
                                controller(p.getMetadata()), p.getMetadata().hasDeletionTimestamp(), ready(p)));
            }
            if (i + 1 == events.size() || events.get(i + 1).revision() != e.revision()) {
                int n = 0;
                int available = 0;
                for (PodState s : pods.values()) {
                    if (s.owner() != null && rsReplicas.containsKey(s.owner()) && !s.terminating()) {
                        n++;
                        if (s.ready()) {
                            available++;
                        }
                    }
                }
                int spec =
                        rsReplicas.values().stream().mapToInt(Integer::intValue).sum();
                Map<String, Integer> byName = new java.util.TreeMap<>();
                rsReplicas.forEach((u, r) -> byName.put(rsNames.get(u), r));
                out.add(new Counts(e.revision(), spec, n, available, byName));
            }
        }
        return out;
    }

    private static String controller(ObjectMeta m) {
        for (OwnerReference r : m.getOwnerReferencesList()) {
            if (r.getController()) {
                return r.getUid();
            }
        }
        return null;
    }

    private static boolean ready(Pod p) {
        for (PodCondition c : p.getStatus().getConditionsList()) {
            if (c.getType().equals("Ready")) {
                return c.getStatus().equals("True");
            }
        }
        return false;
    }
}
