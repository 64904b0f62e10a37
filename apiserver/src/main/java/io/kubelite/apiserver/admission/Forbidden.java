package io.kubelite.apiserver.admission;

import io.kubelite.apiserver.ApiException;
import io.kubelite.kinds.Resource;
import java.util.List;

/** kube's {@code admission.NewForbidden}: a 403 {@code pods "x" is forbidden: <why>}, several reasons as {@code [a, b]}. */
public final class Forbidden {
    private Forbidden() {}

    public static ApiException of(Resource<?> r, String name, List<String> reasons) {
        String why = reasons.size() == 1 ? reasons.get(0) : "[" + String.join(", ", reasons) + "]";
        return new ApiException(
                403,
                "Forbidden",
                ApiException.qualified(r) + " \"" + name + "\" is forbidden: " + why,
                name,
                r.group(),
                r.plural(),
                List.of(),
                null);
    }
}
