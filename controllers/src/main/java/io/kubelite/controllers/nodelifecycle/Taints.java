package io.kubelite.controllers.nodelifecycle;

import io.kubelite.api.Node;
import io.kubelite.api.Taint;
import io.kubelite.api.Toleration;
import io.kubelite.controllers.util.Times;
import java.util.ArrayList;
import java.util.List;

/** Taint and toleration helpers with Kubernetes' matching rules. */
public final class Taints {
    public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    public static final String NOT_READY = "node.kubernetes.io/not-ready";
    public static final String NO_EXECUTE = "NoExecute";
    public static final String NO_SCHEDULE = "NoSchedule";

    private Taints() {}

    public static boolean has(Node n, String key, String effect) {
        for (Taint t : n.getSpec().getTaintsList()) {
            if (t.getKey().equals(key) && t.getEffect().equals(effect)) {
                return true;
            }
        }
        return false;
    }

    public static List<Taint> noExecute(Node n) {
        List<Taint> out = new ArrayList<>();
        for (Taint t : n.getSpec().getTaintsList()) {
            if (t.getEffect().equals(NO_EXECUTE)) {
                out.add(t);
            }
        }
        return out;
    }

    /** The node with {@code add} (key+effect, timeAdded now unless already present) and without every taint in {@code remove}. */
    public static Node swap(Node n, List<Taint> add, List<Taint> remove) {
        List<Taint> out = new ArrayList<>();
        for (Taint t : n.getSpec().getTaintsList()) {
            boolean drop = false;
            for (Taint r : remove) {
                if (r.getKey().equals(t.getKey()) && r.getEffect().equals(t.getEffect())) {
                    drop = true;
                }
            }
            if (!drop) {
                out.add(t);
            }
        }
        for (Taint a : add) {
            boolean present = out.stream()
                    .anyMatch(
                            t -> t.getKey().equals(a.getKey()) && t.getEffect().equals(a.getEffect()));
            if (!present) {
                out.add(a.toBuilder().setTimeAdded(Times.nowSeconds()).build());
            }
        }
        if (out.equals(n.getSpec().getTaintsList())) {
            return n;
        }
        return n.toBuilder()
                .setSpec(n.getSpec().toBuilder().clearTaints().addAllTaints(out))
                .build();
    }

    public static Taint taint(String key, String effect) {
        return Taint.newBuilder().setKey(key).setEffect(effect).build();
    }

    /** Kubernetes' Toleration.ToleratesTaint. */
    public static boolean tolerates(Toleration tol, Taint t) {
        if (!tol.getEffect().isEmpty() && !tol.getEffect().equals(t.getEffect())) {
            return false;
        }
        if (!tol.getKey().isEmpty() && !tol.getKey().equals(t.getKey())) {
            return false;
        }
        String op = tol.getOperator().isEmpty() ? "Equal" : tol.getOperator();
        return switch (op) {
            case "Exists" -> true;
            case "Equal" -> tol.getValue().equals(t.getValue());
            default -> false;
        };
    }
}
