package io.kubelite.apiserver.authorization;

import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Auth;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * kube's impersonation filter: a request with {@code Impersonate-User} (and optionally
 * {@code Impersonate-Group}, {@code Impersonate-Uid}, {@code Impersonate-Extra-<key>}) acts as
 * that user once the caller is authorized, for each of them, to {@code impersonate}
 * {@code users}/{@code serviceaccounts} (a {@code system:serviceaccount:<ns>:<name>} user),
 * {@code groups}, {@code uids} and {@code userextras/<key>} ({@code authentication.k8s.io}) of
 * that name. The impersonated user gets {@code system:authenticated} (unless anonymous), and a
 * service account without requested groups its fixed groups. kubelite's users carry no extra
 * attributes: requested extras are authorized and then not kept.
 */
public final class Impersonation {
    public static final String USER = "Impersonate-User";
    public static final String GROUP = "Impersonate-Group";
    public static final String UID = "Impersonate-Uid";
    public static final String EXTRA_PREFIX = "impersonate-extra-";

    private static final String SA_PREFIX = "system:serviceaccount:";

    private Impersonation() {}

    /** The user {@code caller} acts as: itself without impersonation headers, else the impersonated one. */
    public static Auth.User apply(Authorizer authorizer, Auth.User caller, MultiMap headers) {
        String user = headers.get(USER);
        List<String> groups = headers.getAll(GROUP);
        String uid = headers.get(UID);
        List<String[]> extras = new ArrayList<>();
        headers.forEach((k, v) -> {
            String lower = k.toLowerCase(Locale.ROOT);
            if (lower.startsWith(EXTRA_PREFIX)) {
                extras.add(new String[] {lower.substring(EXTRA_PREFIX.length()), v});
            }
        });
        boolean others = !groups.isEmpty() || uid != null || !extras.isEmpty();
        if (user == null || user.isEmpty()) {
            if (others) {
                throw ApiException.badRequest("requested impersonation of groups, a uid or extra attributes"
                        + " without impersonating a user");
            }
            return caller;
        }
        String namespace = null;
        List<String> outGroups = new ArrayList<>();
        if (user.startsWith(SA_PREFIX) && user.substring(SA_PREFIX.length()).contains(":")) {
            String rest = user.substring(SA_PREFIX.length());
            namespace = rest.substring(0, rest.indexOf(':'));
            String name = rest.substring(rest.indexOf(':') + 1);
            check(
                    authorizer,
                    caller,
                    Authorizer.Attributes.resource("impersonate", "", "serviceaccounts", "", namespace, name));
            if (groups.isEmpty()) {
                outGroups.add("system:serviceaccounts");
                outGroups.add("system:serviceaccounts:" + namespace);
            }
        } else {
            check(authorizer, caller, Authorizer.Attributes.resource("impersonate", "", "users", "", "", user));
        }
        for (String g : groups) {
            check(authorizer, caller, Authorizer.Attributes.resource("impersonate", "", "groups", "", "", g));
            outGroups.add(g);
        }
        if (uid != null) {
            check(
                    authorizer,
                    caller,
                    Authorizer.Attributes.resource("impersonate", "authentication.k8s.io", "uids", "", "", uid));
        }
        for (String[] e : extras) {
            check(
                    authorizer,
                    caller,
                    Authorizer.Attributes.resource(
                            "impersonate", "authentication.k8s.io", "userextras", e[0], "", e[1]));
        }
        if (user.equals(Auth.ANONYMOUS.name())) {
            if (!outGroups.contains("system:unauthenticated")) {
                outGroups.add("system:unauthenticated");
            }
        } else if (!outGroups.contains("system:authenticated")) {
            outGroups.add("system:authenticated");
        }
        return new Auth.User(user, uid == null ? "" : uid, outGroups, namespace);
    }

    private static void check(Authorizer authorizer, Auth.User caller, Authorizer.Attributes a) {
        Forbidden.unlessAllowed(authorizer, caller, a);
    }
}
