package io.kubelite.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque list continuation: the revision the list is pinned to and the next key to
 * read, base64url-encoded as Kubernetes' tokens are.
 */
record ContinueToken(long revision, String nextKey) {
    String encode() {
        String s = revision + "\n" + nextKey;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static ContinueToken decode(String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            if (nl <= 0) {
                throw new IllegalArgumentException("malformed continue token");
            }
            return new ContinueToken(Long.parseLong(s.substring(0, nl)), s.substring(nl + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid continue token \"" + token + "\": " + e.getMessage(), e);
        }
    }
}
