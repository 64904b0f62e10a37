package io.kubelite.store.informer;

import java.util.Collection;
import java.util.function.Function;

/** Maps an object to the index values it is filed under (e.g. a pod to its nodeName). */
@FunctionalInterface
public interface Indexer<T> extends Function<T, Collection<String>> {}
