package io.kubelite.cli;

import com.google.protobuf.Message;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How kl's arguments name resources and objects ({@code pods}, {@code po}, {@code replicaset.apps};
 * {@code TYPE NAME...} or {@code TYPE/NAME...}) and how its messages name them back, as kubectl does.
 */
final class ResourceArgs {
    private ResourceArgs() {}

    /** The resource a type argument names: plural, kind or short name, any case, an optional {@code .group}. */
    static Resource<? extends Message> resource(String type) {
        String t = type.toLowerCase();
        int dot = t.indexOf('.');
        String base = dot > 0 ? t.substring(0, dot) : t;
        Optional<Resource<? extends Message>> r = Kinds.find(base);
        if (r.isEmpty() && base.endsWith("s")) {
            r = Kinds.find(base.substring(0, base.length() - 1));
        }
        return r.orElseThrow(() -> new KlException("error: the server doesn't have a resource type \"" + type + "\""));
    }

    /** Splits {@code TYPE NAME...} or {@code TYPE/NAME...} arguments. */
    static List<Map.Entry<Resource<? extends Message>, String>> targets(List<String> args) {
        List<Map.Entry<Resource<? extends Message>, String>> out = new ArrayList<>();
        if (args.isEmpty()) {
            return out;
        }
        if (args.get(0).contains("/")) {
            for (String a : args) {
                int s = a.indexOf('/');
                if (s < 0) {
                    throw new KlException("error: there is no need to specify a resource type as a separate argument "
                            + "when passing arguments in resource/name form");
                }
                out.add(Map.entry(resource(a.substring(0, s)), a.substring(s + 1)));
            }
            return out;
        }
        Resource<? extends Message> r = resource(args.get(0));
        for (String n : args.subList(1, args.size())) {
            out.add(Map.entry(r, n));
        }
        return out;
    }

    /** kubectl's {@code pod}, {@code replicaset.apps}. */
    static String typeName(Resource<?> r) {
        return r.kind().toLowerCase() + (r.group().isEmpty() ? "" : "." + r.group());
    }
}
