package io.kubelite.apiserver.admission;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What admission left on one request besides its verdict: warnings (sent as HTTP
 * {@code Warning} headers, which kubectl prints) and audit annotations (kube's
 * {@code Attributes.AddAnnotation}, e.g. {@code pod-security.kubernetes.io/audit-violations};
 * kept for an audit log to record). Plugins may add from any thread.
 */
public final class AdmissionRecord {
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, String> auditAnnotations = new LinkedHashMap<>();

    /** Adds a warning unless the same text is already there (kube de-duplicates warnings too). */
    public synchronized void warn(String warning) {
        if (!warnings.contains(warning)) {
            warnings.add(warning);
        }
    }

    /** Records an audit annotation; the first value of a key wins, as in kube. */
    public synchronized void annotate(String key, String value) {
        auditAnnotations.putIfAbsent(key, value);
    }

    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    public synchronized Map<String, String> auditAnnotations() {
        return Map.copyOf(auditAnnotations);
    }
}
