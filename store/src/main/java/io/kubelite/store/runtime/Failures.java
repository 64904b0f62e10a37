package io.kubelite.store.runtime;

import java.util.concurrent.ExecutionException;

/** The one line a user reads about a failure: the innermost meaningful message, without line breaks. */
public final class Failures {
    private Failures() {}

    public static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof ExecutionException)) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return msg.replaceAll("[\r\n]+", " ");
    }
}
