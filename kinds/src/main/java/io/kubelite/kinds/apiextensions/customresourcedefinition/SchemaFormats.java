package io.kubelite.kinds.apiextensions.customresourcedefinition;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The string formats kube checks in custom objects (apiextensions-apiserver's supported subset of
 * kube-openapi's {@code strfmt} registry). A format not listed here is not checked, as kube
 * ignores formats it does not know.
 */
final class SchemaFormats {
    private static final Pattern UUID =
            Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern HOSTNAME = Pattern.compile(
            "^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\\.?$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");
    private static final Pattern MAC =
            Pattern.compile("^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{4}\\.){2}[0-9A-Fa-f]{4}$");
    private static final Pattern HEX_COLOR = Pattern.compile("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
    private static final Pattern RGB_COLOR = Pattern.compile(
            "^rgb\\(\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*,\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*,"
                    + "\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*\\)$");
    private static final Pattern GO_DURATION =
            Pattern.compile("^[-+]?(0|(\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h))+$");
    private static final Pattern IPV4 =
            Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
    private static final Pattern BSON_OBJECT_ID = Pattern.compile("^[0-9a-fA-F]{24}$");

    private static final Map<String, Predicate<String>> CHECKS = Map.ofEntries(
            Map.entry("date-time", SchemaFormats::dateTime),
            Map.entry("datetime", SchemaFormats::dateTime),
            Map.entry("date", SchemaFormats::date),
            Map.entry("duration", s -> GO_DURATION.matcher(s).matches()),
            Map.entry("byte", SchemaFormats::base64),
            Map.entry("uuid", s -> UUID.matcher(s).matches()),
            Map.entry("uuid3", s -> UUID.matcher(s).matches()),
            Map.entry("uuid4", s -> UUID.matcher(s).matches()),
            Map.entry("uuid5", s -> UUID.matcher(s).matches()),
            Map.entry("ipv4", s -> IPV4.matcher(s).matches()),
            Map.entry("ipv6", SchemaFormats::ipv6),
            Map.entry("cidr", SchemaFormats::cidr),
            Map.entry("mac", s -> MAC.matcher(s).matches()),
            Map.entry("hostname", s -> s.length() <= 255 && HOSTNAME.matcher(s).matches()),
            Map.entry("email", s -> EMAIL.matcher(s).matches()),
            Map.entry("uri", SchemaFormats::uri),
            Map.entry("hexcolor", s -> HEX_COLOR.matcher(s).matches()),
            Map.entry("rgbcolor", s -> RGB_COLOR.matcher(s).matches()),
            Map.entry("bsonobjectid", s -> BSON_OBJECT_ID.matcher(s).matches()));

    private SchemaFormats() {}

    /** Whether {@code value} is a valid {@code format}; true for formats kube does not check. */
    static boolean valid(String format, String value) {
        Predicate<String> check = CHECKS.get(format);
        return check == null || check.test(value);
    }

    private static boolean dateTime(String s) {
        try {
            OffsetDateTime.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean date(String s) {
        try {
            LocalDate.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean base64(String s) {
        try {
            Base64.getDecoder().decode(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean ipv6(String s) {
        return s.contains(":") && s.matches("^[0-9A-Fa-f:.]+$") && inetLiteral(s);
    }

    private static boolean cidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String ip = s.substring(0, slash);
        String bits = s.substring(slash + 1);
        if (!bits.matches("\\d{1,3}")) {
            return false;
        }
        int n = Integer.parseInt(bits);
        return IPV4.matcher(ip).matches() ? n <= 32 : ipv6(ip) && n <= 128;
    }

    /** An IP literal, parsed without any name lookup (the string is only digits, dots and colons). */
    private static boolean inetLiteral(String s) {
        try {
            java.net.InetAddress.getByName("[" + s + "]");
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean uri(String s) {
        try {
            return new URI(s).isAbsolute();
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
