package io.kubelite.cli;

/** The merge patch the small mutating commands (scale, label, annotate, taint, cordon) send. */
final class MergePatch {
    private MergePatch() {}

    /** Sends {@code body} as a JSON merge patch of {@code path}; a failure is thrown as kubectl reports it. */
    static void send(ApiClient c, String path, String body) {
        ApiClient.Resp r = c.call("PATCH", path, "application/merge-patch+json", body);
        if (!r.ok()) {
            throw ApiClient.error(r);
        }
    }
}
