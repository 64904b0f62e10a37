package io.kubelite.kinds.core.node;

import io.kubelite.api.Node;
import io.kubelite.api.Taint;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.core.pod.PodSpecValidation;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** kube's node strategy: taint syntax, a podCIDR that is set once, status kept on main-resource updates. */
final class NodeStrategy implements Strategy<Node> {

    @Override
    public Node prepareForUpdate(Node n, Node old) {
        // the status has its own subresource; an unset one stays unset
        Node.Builder b = n.toBuilder();
        return (old.hasStatus() ? b.setStatus(old.getStatus()) : b.clearStatus()).build();
    }

    @Override
    public void validate(Node n, FieldErrors errs) {
        taints(n.getSpec().getTaintsList(), "spec.taints", errs);
    }

    @Override
    public void validateUpdate(Node n, Node old, FieldErrors errs) {
        String a = old.getSpec().getPodCidr();
        if (!a.isEmpty() && !a.equals(n.getSpec().getPodCidr())) {
            errs.forbidden("spec.podCIDR", "node updates may not change podCIDR except from \"\" to valid");
        }
    }

    private static void taints(List<Taint> taints, String path, FieldErrors errs) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < taints.size(); i++) {
            Taint t = taints.get(i);
            String p = path + "[" + i + "]";
            if (t.getKey().isEmpty()) {
                errs.required(p + ".key");
            } else {
                errs.invalidIf(p + ".key", t.getKey(), Names.qualifiedNameError(t.getKey()));
            }
            if (!t.getValue().isEmpty()) {
                errs.invalidIf(p + ".value", t.getValue(), Names.labelValueError(t.getValue()));
            }
            if (t.getEffect().isEmpty()) {
                errs.required(p + ".effect");
            } else if (!PodSpecValidation.TAINT_EFFECTS.contains(t.getEffect())) {
                errs.notSupported(p + ".effect", t.getEffect(), PodSpecValidation.TAINT_EFFECTS);
            }
            if (!seen.add(t.getKey() + ":" + t.getEffect())) {
                errs.duplicate(p, t.getKey() + ":" + t.getEffect());
            }
        }
    }
}
