package io.kubelite.scheduler.framework;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A scheduling profile, as kube-scheduler's {@code KubeSchedulerProfile}: the plugins it
 * enables, by name and in order, and the weight of each one that scores. Each plugin runs
 * at every extension point it implements (PreFilter, Filter, PreScore, Score), in the
 * profile's order; {@link #build} instantiates them from a registry of factories, so the
 * framework knows plugins only by their interfaces.
 *
 * @param plugins      plugin names in the order they run
 * @param scoreWeights weight per scoring plugin (a scoring plugin without one weighs 1)
 */
public record Profile(List<String> plugins, Map<String, Integer> scoreWeights) {
    public Profile {
        plugins = List.copyOf(plugins);
        scoreWeights = Map.copyOf(scoreWeights);
    }

    /**
     * A framework running this profile's plugins, each made once by {@code registry}'s
     * factory of that name.
     *
     * @throws IllegalArgumentException naming a plugin the registry does not know, or a
     *                                  factory whose plugin answers to another name
     */
    public Framework build(Map<String, Supplier<? extends Plugin>> registry, int percentageOfNodesToScore) {
        Framework f = new Framework(percentageOfNodesToScore);
        for (String name : plugins) {
            Supplier<? extends Plugin> factory = registry.get(name);
            if (factory == null) {
                throw new IllegalArgumentException("unknown scheduler plugin '" + name + "'; known: "
                        + registry.keySet().stream().sorted().toList());
            }
            Plugin p = factory.get();
            if (!p.name().equals(name)) {
                throw new IllegalArgumentException(
                        "the factory registered as '" + name + "' made plugin '" + p.name() + "'");
            }
            if (p instanceof PreFilterPlugin x) {
                f.preFilter(x);
            }
            if (p instanceof FilterPlugin x) {
                f.filter(x);
            }
            if (p instanceof PreScorePlugin x) {
                f.preScore(x);
            }
            if (p instanceof ScorePlugin x) {
                f.score(x, scoreWeights.getOrDefault(name, 1));
            }
        }
        return f;
    }
}
