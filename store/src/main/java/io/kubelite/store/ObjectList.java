package io.kubelite.store;

import java.util.List;

/**
 * One page of a list: the items, the revision the whole list was read at (its
 * resourceVersion), a continue token when more items remain (empty otherwise), and the
 * keys whose values could not be decoded and were left out.
 */
public record ObjectList<T>(List<T> items, long revision, String continueToken, List<String> corruptKeys) {
    public ObjectList {
        items = List.copyOf(items);
        continueToken = continueToken == null ? "" : continueToken;
        corruptKeys = corruptKeys == null ? List.of() : List.copyOf(corruptKeys);
    }

    public ObjectList(List<T> items, long revision, String continueToken) {
        this(items, revision, continueToken, List.of());
    }

    public boolean hasMore() {
        return !continueToken.isEmpty();
    }
}
