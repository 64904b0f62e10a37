package io.kubelite.kinds.apiextensions.customresourcedefinition;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.List;

/**
 * The functions kube adds to CEL for validation rules that plain CEL lacks (k8s.io/apiserver's
 * {@code library}): on lists {@code isSorted()}, {@code sum()}, {@code min()}, {@code max()},
 * {@code indexOf(x)}, {@code lastIndexOf(x)}; on strings {@code find(regex)} and
 * {@code findAll(regex)}. Not here: {@code quantity()}, {@code url()}, {@code ip()},
 * {@code cidr()}, {@code format}.
 */
final class KubeCelLibrary {
    private static final ListType LIST = ListType.create(SimpleType.DYN);

    private KubeCelLibrary() {}

    static List<CelFunctionDecl> declarations() {
        return List.of(
                member("isSorted", "list_is_sorted", SimpleType.BOOL),
                member("sum", "list_sum", SimpleType.DYN),
                member("min", "list_min", SimpleType.DYN),
                member("max", "list_max", SimpleType.DYN),
                CelFunctionDecl.newFunctionDeclaration(
                        "indexOf",
                        CelOverloadDecl.newMemberOverload("list_index_of", SimpleType.INT, LIST, SimpleType.DYN)),
                CelFunctionDecl.newFunctionDeclaration(
                        "lastIndexOf",
                        CelOverloadDecl.newMemberOverload("list_last_index_of", SimpleType.INT, LIST, SimpleType.DYN)),
                CelFunctionDecl.newFunctionDeclaration(
                        "find",
                        CelOverloadDecl.newMemberOverload(
                                "string_find", SimpleType.STRING, SimpleType.STRING, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "findAll",
                        CelOverloadDecl.newMemberOverload(
                                "string_find_all",
                                ListType.create(SimpleType.STRING),
                                SimpleType.STRING,
                                SimpleType.STRING)));
    }

    private static CelFunctionDecl member(String name, String overload, dev.cel.common.types.CelType result) {
        return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newMemberOverload(overload, result, LIST));
    }

    static List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("list_is_sorted", List.class, KubeCelLibrary::isSorted),
                CelFunctionBinding.from("list_sum", List.class, KubeCelLibrary::sum),
                CelFunctionBinding.from("list_min", List.class, l -> extreme(l, -1)),
                CelFunctionBinding.from("list_max", List.class, l -> extreme(l, 1)),
                CelFunctionBinding.from("list_index_of", List.class, Object.class, (l, x) -> (long) l.indexOf(x)),
                CelFunctionBinding.from(
                        "list_last_index_of", List.class, Object.class, (l, x) -> (long) l.lastIndexOf(x)),
                CelFunctionBinding.from("string_find", String.class, String.class, (s, re) -> {
                    Matcher m = Pattern.compile(re).matcher(s);
                    return m.find() ? m.group() : "";
                }),
                CelFunctionBinding.from("string_find_all", String.class, String.class, (s, re) -> {
                    Matcher m = Pattern.compile(re).matcher(s);
                    List<String> out = new ArrayList<>();
                    while (m.find()) {
                        out.add(m.group());
                    }
                    return out;
                }));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static boolean isSorted(List l) throws CelEvaluationException {
        for (int i = 1; i < l.size(); i++) {
            if (compare(l.get(i - 1), l.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    private static Object sum(List<?> l) throws CelEvaluationException {
        if (l.isEmpty()) {
            return 0L;
        }
        if (l.get(0) instanceof Double) {
            double d = 0;
            for (Object o : l) {
                d += ((Number) o).doubleValue();
            }
            return d;
        }
        long n = 0;
        for (Object o : l) {
            if (!(o instanceof Long x)) {
                throw new IllegalArgumentException("sum() needs a list of numbers, got " + o);
            }
            n = Math.addExact(n, x);
        }
        return n;
    }

    private static Object extreme(List<?> l, int sign) throws CelEvaluationException {
        if (l.isEmpty()) {
            throw new IllegalArgumentException((sign < 0 ? "min" : "max") + "() called on an empty list");
        }
        Object best = l.get(0);
        for (Object o : l) {
            if (compare(o, best) * sign > 0) {
                best = o;
            }
        }
        return best;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof Comparable c && a.getClass() == b.getClass()) {
            return c.compareTo(b);
        }
        throw new IllegalArgumentException("cannot compare " + a + " and " + b);
    }
}
