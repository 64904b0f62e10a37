package io.kubelite.kinds.batch.job;

import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.regex.Pattern;

/**
 * kube's checks of {@code spec.managedBy}: a domain-prefixed path
 * ({@code IsDomainPrefixedPath}: an RFC 1123 subdomain, a slash, RFC 3986 path characters) of at
 * most 63 characters.
 */
final class ManagedBy {
    static final int MAX_LENGTH = 63;
    private static final String HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
    private static final Pattern HTTP_PATH = Pattern.compile(HTTP_PATH_FMT);

    private ManagedBy() {}

    static void validate(String value, String field, FieldErrors errs) {
        domainPrefixedPath(value, field, errs);
        if (value.length() > MAX_LENGTH) {
            errs.tooLongMaxLength(field, MAX_LENGTH);
        }
    }

    private static void domainPrefixedPath(String value, String field, FieldErrors errs) {
        if (value.isEmpty()) {
            errs.required(field);
            return;
        }
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1) {
            errs.invalid(field, value, "must be a domain-prefixed path (such as \"acme.io/foo\")");
            return;
        }
        String host = value.substring(0, slash);
        errs.invalidIf(field, host, Names.dns1123SubdomainError(host));
        String path = value.substring(slash + 1);
        if (!HTTP_PATH.matcher(path).matches()) {
            errs.invalid(field, path, "Invalid path (regex used for validation is '" + HTTP_PATH_FMT + "')");
        }
    }
}
