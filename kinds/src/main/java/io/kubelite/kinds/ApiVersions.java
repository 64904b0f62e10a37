package io.kubelite.kinds;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' API version names and their order. A version is GA ({@code v1}, {@code v2}), beta
 * ({@code v1beta1}) or alpha ({@code v2alpha1}); anything else is not Kubernetes-like
 * ({@code v1foo}, {@code stable}). Versions sort as kube's {@code CompareKubeAwareVersionStrings}
 * sorts them for discovery: GA before beta before alpha, then the higher major, then the higher
 * beta or alpha number; non-Kubernetes-like versions last, alphabetically. The first served
 * version of a group is its preferred version. Stateless.
 */
public final class ApiVersions {
    private static final Pattern KUBE_LIKE = Pattern.compile("^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$");

    /** How stable a version is, by its name. */
    public enum Stability {
        GA,
        BETA,
        ALPHA,
        /** Not a Kubernetes-like version name (a custom resource's {@code v1foo}). */
        OTHER
    }

    /** Discovery's order: the preferred version first. */
    public static final Comparator<String> PRIORITY = ApiVersions::compare;

    private ApiVersions() {}

    public static Stability stability(String version) {
        Matcher m = KUBE_LIKE.matcher(version);
        if (!m.matches()) {
            return Stability.OTHER;
        }
        if (m.group(2) == null) {
            return Stability.GA;
        }
        return m.group(2).equals("beta") ? Stability.BETA : Stability.ALPHA;
    }

    /**
     * Whether a built-in version is served when {@code --runtime-config} says nothing about it:
     * GA versions only. Kubernetes turned new beta APIs off by default in 1.24 (KEP-3136) and
     * alpha ones always were; kubelite has no beta API from before that change to keep on.
     */
    public static boolean enabledByDefault(String version) {
        return stability(version) == Stability.GA;
    }

    private static int compare(String a, String b) {
        Matcher ma = KUBE_LIKE.matcher(a);
        Matcher mb = KUBE_LIKE.matcher(b);
        boolean ka = ma.matches();
        boolean kb = mb.matches();
        if (!ka || !kb) {
            if (ka != kb) {
                return ka ? -1 : 1;
            }
            return a.compareTo(b);
        }
        int byStability = stability(a).compareTo(stability(b));
        if (byStability != 0) {
            return byStability;
        }
        int byMajor = Long.compare(Long.parseLong(mb.group(1)), Long.parseLong(ma.group(1)));
        if (byMajor != 0 || ma.group(3) == null) {
            return byMajor;
        }
        return Long.compare(Long.parseLong(mb.group(3)), Long.parseLong(ma.group(3)));
    }
}
