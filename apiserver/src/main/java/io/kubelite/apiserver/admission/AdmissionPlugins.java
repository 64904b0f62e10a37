package io.kubelite.apiserver.admission;

import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.admission.limitranger.LimitRanger;
import io.kubelite.apiserver.admission.podsecurity.PodSecurityAdmission;
import io.kubelite.apiserver.admission.resourcequota.QuotaAdmission;
import io.kubelite.apiserver.storage.DefaultStorageClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The admission plugins kubelite has, in kube's order ({@code AllOrderedPlugins} of
 * kube-apiserver, where every plugin here is on by default): the one place a plugin is listed.
 * {@code --disable-admission-plugins} turns named ones off.
 */
public final class AdmissionPlugins {
    /** Name → how to build it, in chain order. */
    private static final Map<String, Function<HandlerContext, AdmissionPlugin>> ORDERED = ordered();

    private AdmissionPlugins() {}

    private static Map<String, Function<HandlerContext, AdmissionPlugin>> ordered() {
        Map<String, Function<HandlerContext, AdmissionPlugin>> m = new LinkedHashMap<>();
        m.put("NamespaceLifecycle", NamespaceLifecycle::new);
        m.put("LimitRanger", LimitRanger::new);
        m.put("ServiceAccount", ServiceAccountAdmission::new);
        m.put("PodSecurity", PodSecurityAdmission::new);
        m.put("DefaultTolerationSeconds", ctx -> new DefaultTolerationSeconds());
        m.put("DefaultStorageClass", DefaultStorageClass::new);
        m.put("ResourceQuota", QuotaAdmission::new); // last, as in kube: it charges what the others admitted
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Every plugin's name, in chain order. */
    public static List<String> names() {
        return List.copyOf(ORDERED.keySet());
    }

    /** The names in {@code requested} that are no plugin's (empty when all are known). */
    public static Set<String> unknown(Set<String> requested) {
        Set<String> bad = new TreeSet<>(requested);
        bad.removeAll(ORDERED.keySet());
        return bad;
    }

    /** The chain of every plugin but {@code disabled}, in order. */
    public static AdmissionChain chain(HandlerContext ctx, Set<String> disabled) {
        List<AdmissionPlugin> plugins = new ArrayList<>();
        ORDERED.forEach((name, make) -> {
            if (!disabled.contains(name)) {
                plugins.add(make.apply(ctx));
            }
        });
        return new AdmissionChain(plugins);
    }
}
