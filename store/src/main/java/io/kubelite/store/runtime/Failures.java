package io.kubelite.store.runtime;

import java.util.concurrent.ExecutionException;

/** The one line a user reads about a failure: the innermost meaningful message, without line breaks. */
final class Failures {
    private Failures() {}

    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof ExecutionException)) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return msg.replaceAll("[\r\n]+", " ");
    }
}
