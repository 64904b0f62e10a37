package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A resource path taken apart: {@code /api/v1/namespaces/{ns}/pods/{name}/status},
 * {@code /apis/apps/v1/replicasets}, {@code /api/v1/nodes/{name}}, and the legacy
 * {@code /api/v1/watch/...} form.
 */
public record PathInfo(
        Resource<? extends Message> resource, String namespace, String name, String subresource, boolean legacyWatch) {

    /** Null when the path names no served resource (404). Unserved versions are 404 with a message. */
    public static PathInfo parse(ServedKinds kinds, String path) {
        String[] all = path.substring(1).split("/");
        if (all.length == 0) {
            return null; // only slashes
        }
        int i;
        String group;
        String version;
        if (all[0].equals("api") && all.length >= 2) {
            group = "";
            version = all[1];
            i = 2;
        } else if (all[0].equals("apis") && all.length >= 3) {
            group = all[1];
            version = all[2];
            i = 3;
        } else {
            return null;
        }
        Discovery.checkVersion(kinds, group, version);
        boolean watch = false;
        if (i < all.length && all[i].equals("watch")) {
            watch = true;
            i++;
        }
        int n = all.length - i;
        if (n <= 0) {
            return null;
        }
        String[] s = new String[n];
        for (int k = 0; k < n; k++) {
            s[k] = URLDecoder.decode(all[i + k], StandardCharsets.UTF_8);
        }
        String ns = null;
        int j = 0;
        if (s[0].equals("namespaces") && n >= 3 && !(n == 3 && (s[2].equals("status") || s[2].equals("finalize")))) {
            ns = s[1];
            j = 2;
        }
        Optional<Resource<? extends Message>> r = kinds.byPlural(group, version, s[j]);
        if (r.isEmpty()) {
            return null;
        }
        String name = j + 1 < n ? s[j + 1] : null;
        String sub = j + 2 < n ? s[j + 2] : null;
        if (j + 3 < n) {
            return null;
        }
        if (!r.get().namespaced() && ns != null) {
            return null;
        }
        return new PathInfo(r.get(), ns, name, sub, watch);
    }
}
