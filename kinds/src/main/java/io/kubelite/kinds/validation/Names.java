package io.kubelite.kinds.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * kube's name and label syntax checks ({@code k8s.io/apimachinery/pkg/util/validation}):
 * each returns null when the value is valid, else kube-apiserver's message.
 */
public final class Names {
    public static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    public static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    public static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    public static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    public static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
    private static final Pattern DNS1123_LABEL = Pattern.compile(DNS1123_LABEL_FMT);
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);
    private static final Pattern DNS1035_LABEL = Pattern.compile(DNS1035_LABEL_FMT);
    private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_FMT);
    private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);

    public static final String DNS1123_SUBDOMAIN_MSG =
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                    + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
                    + "used for validation is '" + DNS1123_SUBDOMAIN_FMT + "')";
    public static final String DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric "
            + "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
            + "'123-abc', regex used for validation is '" + DNS1123_LABEL_FMT + "')";
    public static final String DNS1035_LABEL_MSG =
            "a DNS-1035 label must consist of lower case alphanumeric characters or "
                    + "'-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
                    + "'abc-123', regex used for validation is '" + DNS1035_LABEL_FMT + "')";
    public static final String QUALIFIED_NAME_MSG =
            "name part must consist of alphanumeric characters, '-', '_' or '.', and "
                    + "must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
                    + "used for validation is '" + QUALIFIED_NAME_FMT + "')";
    public static final String LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
            + "'my_value',  or '12345', regex used for validation is '" + LABEL_VALUE_FMT + "')";

    public static final String CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";
    private static final Pattern CONFIG_KEY = Pattern.compile(CONFIG_KEY_FMT);
    public static final String CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, "
            + "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '"
            + CONFIG_KEY_FMT + "')";

    private Names() {}

    /**
     * kube's {@code IsConfigMapKey}, the key rule of ConfigMaps and Secrets: every message that
     * applies (length, syntax, the {@code .}/{@code ..} prefixes), none when valid.
     */
    public static List<String> configKeyErrors(String key) {
        List<String> out = new ArrayList<>();
        if (key.length() > 253) {
            out.add("must be no more than 253 characters");
        }
        if (!CONFIG_KEY.matcher(key).matches()) {
            out.add(CONFIG_KEY_MSG);
        }
        if (key.equals(".")) {
            out.add("must not be '.'");
        } else if (key.equals("..")) {
            out.add("must not be '..'");
        } else if (key.startsWith("..")) {
            out.add("must not start with '..'");
        }
        return out;
    }

    public static String dns1123SubdomainError(String v) {
        if (v.length() > 253) {
            return "must be no more than 253 characters";
        }
        return DNS1123_SUBDOMAIN.matcher(v).matches() ? null : DNS1123_SUBDOMAIN_MSG;
    }

    public static String dns1123LabelError(String v) {
        if (v.length() > 63) {
            return "must be no more than 63 characters";
        }
        return DNS1123_LABEL.matcher(v).matches() ? null : DNS1123_LABEL_MSG;
    }

    public static String dns1035LabelError(String v) {
        if (v.length() > 63) {
            return "must be no more than 63 characters";
        }
        return DNS1035_LABEL.matcher(v).matches() ? null : DNS1035_LABEL_MSG;
    }

    /** A label or annotation key: optional DNS subdomain prefix, '/', name part. */
    public static String qualifiedNameError(String v) {
        String name = v;
        int slash = v.indexOf('/');
        if (slash >= 0) {
            String prefix = v.substring(0, slash);
            name = v.substring(slash + 1);
            if (prefix.isEmpty()) {
                return "prefix part must be non-empty";
            }
            String pe = dns1123SubdomainError(prefix);
            if (pe != null) {
                return "prefix part " + pe;
            }
        }
        if (name.isEmpty()) {
            return "name part must be non-empty";
        }
        if (name.length() > 63) {
            return "name part must be no more than 63 characters";
        }
        return QUALIFIED_NAME.matcher(name).matches() ? null : QUALIFIED_NAME_MSG;
    }

    public static String labelValueError(String v) {
        if (v.length() > 63) {
            return "must be no more than 63 characters";
        }
        return LABEL_VALUE.matcher(v).matches() ? null : LABEL_VALUE_MSG;
    }
}
