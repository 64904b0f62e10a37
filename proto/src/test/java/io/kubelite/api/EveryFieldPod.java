package io.kubelite.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The test manifest {@code io/kubelite/api/pod-every-field.json}: a Pod that sets every field of
 * kube 1.32's core/v1 PodSpec, Container, EphemeralContainer and Volume (every volume source, one
 * volume each), and of the types under them, with values kube's validation accepts where kubelite
 * validates them. Read from the class path, so other modules' tests use it through the test jar.
 */
public final class EveryFieldPod {
  /** The class-path resource holding the manifest. */
  public static final String RESOURCE = "io/kubelite/api/pod-every-field.json";

  private EveryFieldPod() {}

  /** The manifest's text. */
  public static String json() {
    try (InputStream in = EveryFieldPod.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where {@code actual} differs from {@code expected}: one line per path
   * (spec.volumes[3].nfs.path) with both values, so a failing round trip names the lost or changed
   * fields.
   */
  public static List<String> differences(JsonNode expected, JsonNode actual) {
    List<String> out = new ArrayList<>();
    diff("", expected, actual, out);
    return out;
  }

  private static void diff(String path, JsonNode want, JsonNode got, List<String> out) {
    if (want == null || got == null || want.getNodeType() != got.getNodeType()) {
      out.add(path + ": expected " + want + ", got " + got);
    } else if (want.isObject()) {
      for (Iterator<String> it = want.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        diff(path + "." + k, want.get(k), got.get(k), out);
      }
      for (Iterator<String> it = got.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!want.has(k)) {
          out.add(path + "." + k + ": not expected, got " + got.get(k));
        }
      }
    } else if (want.isArray()) {
      if (want.size() != got.size()) {
        out.add(path + ": expected " + want.size() + " items, got " + got.size() + ": " + got);
      } else {
        for (int i = 0; i < want.size(); i++) {
          diff(path + "[" + i + "]", want.get(i), got.get(i), out);
        }
      }
    } else if (want.isNumber()) {
      // 64-bit fields read back as long nodes: compare the numbers, not the node classes
      if (want.decimalValue().compareTo(got.decimalValue()) != 0) {
        out.add(path + ": expected " + want + ", got " + got);
      }
    } else if (!want.equals(got)) {
      out.add(path + ": expected " + want + ", got " + got);
    }
  }
}
