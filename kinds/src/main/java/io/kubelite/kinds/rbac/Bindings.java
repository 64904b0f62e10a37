package io.kubelite.kinds.rbac;

import io.kubelite.api.RoleRef;
import io.kubelite.api.Subject;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What RoleBindings and ClusterRoleBindings share: kube's defaulting of {@code roleRef.apiGroup}
 * and subjects' {@code apiGroup}, {@code ValidateRoleBinding}'s roleRef and subject checks, the
 * immutable roleRef, and kubectl's columns (NAME ROLE AGE, wide USERS GROUPS SERVICEACCOUNTS).
 */
public final class Bindings {
    private Bindings() {}

    /** kube's {@code SetDefaults_RoleRef} and {@code SetDefaults_Subject}. */
    public static RoleRef defaults(RoleRef r) {
        return r.getApiGroup().isEmpty()
                ? r.toBuilder().setApiGroup(RbacNames.GROUP).build()
                : r;
    }

    public static List<Subject> defaults(List<Subject> subjects) {
        List<Subject> out = new ArrayList<>(subjects.size());
        for (Subject s : subjects) {
            boolean userOrGroup =
                    s.getKind().equals(RbacNames.USER) || s.getKind().equals(RbacNames.GROUP_KIND);
            out.add(
                    s.getApiGroup().isEmpty() && userOrGroup
                            ? s.toBuilder().setApiGroup(RbacNames.GROUP).build()
                            : s);
        }
        return out;
    }

    /** {@code roleRef} may name a kind of {@code kinds}, in this group, by a valid name. */
    public static void validateRoleRef(RoleRef r, List<String> kinds, FieldErrors errs) {
        if (!r.getApiGroup().equals(RbacNames.GROUP)) {
            errs.notSupported("roleRef.apiGroup", r.getApiGroup(), List.of(RbacNames.GROUP));
        }
        if (!kinds.contains(r.getKind())) {
            errs.notSupported("roleRef.kind", r.getKind(), kinds);
        }
        if (r.getName().isEmpty()) {
            errs.required("roleRef.name");
        } else {
            for (String msg : RbacNames.pathSegmentErrors(r.getName())) {
                errs.invalid("roleRef.name", r.getName(), msg);
            }
        }
    }

    /** kube's {@code ValidateRoleBindingSubject}; a ClusterRoleBinding's ServiceAccount needs a namespace. */
    public static void validateSubjects(List<Subject> subjects, boolean namespaced, FieldErrors errs) {
        for (int i = 0; i < subjects.size(); i++) {
            Subject s = subjects.get(i);
            String path = "subjects[" + i + "]";
            if (s.getName().isEmpty()) {
                errs.required(path + ".name");
            }
            switch (s.getKind()) {
                case RbacNames.SERVICE_ACCOUNT -> {
                    if (!s.getName().isEmpty()) {
                        errs.invalidIf(path + ".name", s.getName(), Names.dns1123SubdomainError(s.getName()));
                    }
                    if (!s.getApiGroup().isEmpty()) {
                        errs.notSupported(path + ".apiGroup", s.getApiGroup(), List.of(""));
                    }
                    if (!namespaced && s.getNamespace().isEmpty()) {
                        errs.required(path + ".namespace");
                    }
                }
                case RbacNames.USER, RbacNames.GROUP_KIND -> {
                    if (!s.getApiGroup().equals(RbacNames.GROUP)) {
                        errs.notSupported(path + ".apiGroup", s.getApiGroup(), List.of(RbacNames.GROUP));
                    }
                }
                default ->
                    errs.notSupported(
                            path + ".kind",
                            s.getKind(),
                            List.of(RbacNames.SERVICE_ACCOUNT, RbacNames.USER, RbacNames.GROUP_KIND));
            }
        }
    }

    /** kube's {@code ValidateRoleBindingUpdate}: the role a binding grants never changes. */
    public static void validateRoleRefUnchanged(RoleRef now, RoleRef old, FieldErrors errs) {
        if (!now.equals(old)) {
            errs.invalid("roleRef", now.getKind() + "/" + now.getName(), "cannot change roleRef");
        }
    }

    /** kubectl's binding columns; {@code meta}, {@code roleRef} and {@code subjects} read them from a binding. */
    public static <T extends com.google.protobuf.Message> List<Column<T>> columns(
            Function<T, io.kubelite.api.ObjectMeta> meta,
            Function<T, RoleRef> roleRef,
            Function<T, List<Subject>> subjects) {
        return List.of(
                Cells.name(meta),
                Column.of(
                        "Role",
                        "string",
                        "RoleRef can reference a Role in the current namespace or a ClusterRole in the global"
                                + " namespace. If the RoleRef cannot be resolved, the Authorizer must return an"
                                + " error.",
                        (b, now) -> roleRef.apply(b).getKind() + "/"
                                + roleRef.apply(b).getName()),
                Cells.age(meta),
                Column.wide(
                        "Users",
                        "string",
                        "Users in the roleBinding",
                        (b, now) -> join(subjects.apply(b), RbacNames.USER)),
                Column.wide(
                        "Groups",
                        "string",
                        "Groups in the roleBinding",
                        (b, now) -> join(subjects.apply(b), RbacNames.GROUP_KIND)),
                Column.wide(
                        "ServiceAccounts",
                        "string",
                        "ServiceAccounts in the roleBinding",
                        (b, now) -> join(subjects.apply(b), RbacNames.SERVICE_ACCOUNT)));
    }

    /** kube's {@code SubjectsStrings}: names, a service account as {@code namespace/name}. */
    private static String join(List<Subject> subjects, String kind) {
        List<String> out = new ArrayList<>();
        for (Subject s : subjects) {
            if (s.getKind().equals(kind)) {
                out.add(kind.equals(RbacNames.SERVICE_ACCOUNT) ? s.getNamespace() + "/" + s.getName() : s.getName());
            }
        }
        return String.join(", ", out);
    }
}
