package io.kubelite.api;

import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.util.regex.Pattern;

/**
 * Quotes every string that a YAML 1.1 reader would take for something else.
 *
 * <p>Kubernetes reads YAML with go-yaml, a YAML 1.1 resolver, so unquoted {@code 0x10}, {@code
 * 1e3}, {@code 1_000}, {@code 1:30} or {@code 2024-05-01} are numbers or timestamps to it, not
 * strings. Jackson's default check already quotes 1.1 booleans and nulls ({@code yes}, {@code off},
 * {@code ~}) and plain decimals; this adds the rest, while leaving strings such as {@code 500m},
 * {@code 1Gi} and IP addresses plain, as kubectl prints them.
 */
final class Yaml11Quoting extends StringQuotingChecker.Default {

  private static final long serialVersionUID = 1L;

  private static final Pattern NON_STRING =
      Pattern.compile(
          String.join(
              "|",
              "[-+]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[0-9][0-9_]*)",
              "[-+]?(\\.[0-9_]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?",
              "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?",
              "[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)",
              "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?"));

  @Override
  public boolean needToQuoteName(String name) {
    return super.needToQuoteName(name) || NON_STRING.matcher(name).matches();
  }

  @Override
  public boolean needToQuoteValue(String value) {
    return super.needToQuoteValue(value) || NON_STRING.matcher(value).matches();
  }
}
