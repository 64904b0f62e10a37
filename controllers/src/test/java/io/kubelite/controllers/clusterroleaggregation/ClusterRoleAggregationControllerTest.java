package io.kubelite.controllers.clusterroleaggregation;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.AggregationRule;
import io.kubelite.api.ClusterRole;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PolicyRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The union kube's controller computes: matching roles in name order, duplicates once, itself never. */
class ClusterRoleAggregationControllerTest {
    static PolicyRule rule(String resource) {
        return PolicyRule.newBuilder()
                .addVerbs("get")
                .addApiGroups("")
                .addResources(resource)
                .build();
    }

    static ClusterRole role(String name, Map<String, String> labels, PolicyRule... rules) {
        return ClusterRole.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).putAllLabels(labels))
                .addAllRules(List.of(rules))
                .build();
    }

    @Test
    void unionOfTheMatchingRolesInNameOrder() {
        ClusterRole view = role("view", Map.of("agg", "true")).toBuilder()
                .setAggregationRule(AggregationRule.newBuilder()
                        .addClusterRoleSelectors(LabelSelector.newBuilder().putMatchLabels("agg", "true")))
                .build();
        List<ClusterRole> all = List.of(
                view,
                role("z-extra", Map.of("agg", "true"), rule("widgets"), rule("pods")),
                role("a-base", Map.of("agg", "true"), rule("pods")),
                role("unlabelled", Map.of(), rule("secrets")));
        assertThat(ClusterRoleAggregationController.union(view, all)).containsExactly(rule("pods"), rule("widgets"));
    }
}
