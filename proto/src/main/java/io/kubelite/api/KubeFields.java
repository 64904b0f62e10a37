package io.kubelite.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' protobuf field numbers: the table {@code kube-field-numbers.tsv} beside this class,
 * one line per field of every type of the Kubernetes API groups kubelite models or is about to
 * (package, message, JSON name, number, type), taken from the descriptors a kubectl binary carries
 * by {@code proto/tools/KubeFieldTable.java}.
 *
 * <p>kubelite's {@code .proto} files are numbered by it ({@code proto/tools/renumber.py}, checked
 * by {@code KubeFieldNumbersTest}), so that their encoding is Kubernetes' wherever the types agree;
 * the API server's reader of Kubernetes' protobuf names the fields kubelite does not model by it.
 * Types are named as OpenAPI names them ({@code io.k8s.api.core.v1.Pod}); a field's type is a
 * scalar ({@code string}, {@code int32}, ...), a type name, {@code repeated T} or {@code map<K,V>}.
 *
 * <p>Immutable and thread-safe; the table is read once.
 */
public final class KubeFields {

  /**
   * One field of a Kubernetes type.
   *
   * @param owner the type the field belongs to ({@code io.k8s.api.core.v1.PodSpec})
   * @param jsonName its JSON name ({@code nodeName}); for a Go-embedded struct, the name its
   *     protobuf field has ({@code localObjectReference})
   * @param number its protobuf field number
   * @param type its type as the table writes it
   */
  public record Field(String owner, String jsonName, int number, String type) {

    /** The type of one value: the element of a repeated field, the value of a map. */
    public String valueType() {
      if (type.startsWith("repeated ")) {
        return type.substring("repeated ".length());
      }
      if (type.startsWith("map<")) {
        return type.substring(type.indexOf(',') + 1, type.length() - 1);
      }
      return type;
    }
  }

  private static final String RESOURCE = "kube-field-numbers.tsv";
  private static final Map<String, Map<String, Field>> BY_NAME = new HashMap<>();
  private static final Map<String, Map<Integer, Field>> BY_NUMBER = new HashMap<>();

  static {
    for (Field f : load()) {
      BY_NAME.computeIfAbsent(f.owner(), t -> new LinkedHashMap<>()).put(f.jsonName(), f);
      BY_NUMBER.computeIfAbsent(f.owner(), t -> new HashMap<>()).put(f.number(), f);
    }
  }

  private KubeFields() {}

  /** True when the table has Kubernetes type {@code type} ({@code io.k8s.api.core.v1.Pod}). */
  public static boolean knows(String type) {
    return BY_NAME.containsKey(type);
  }

  /** The fields of {@code type}, in the table's order; empty for a type it lacks. */
  public static Collection<Field> fields(String type) {
    return BY_NAME.getOrDefault(type, Map.of()).values();
  }

  /** The field of {@code type} named {@code jsonName}, or null. */
  public static Field byName(String type, String jsonName) {
    return BY_NAME.getOrDefault(type, Map.of()).get(jsonName);
  }

  /** The field of {@code type} numbered {@code number}, or null. */
  public static Field byNumber(String type, int number) {
    return BY_NUMBER.getOrDefault(type, Map.of()).get(number);
  }

  private static List<Field> load() {
    try (InputStream in = KubeFields.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      return lines
          .lines()
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .map(KubeFields::parse)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Field parse(String line) {
    String[] cols = line.split("\t", -1);
    if (cols.length != 5) {
      throw new IllegalStateException(RESOURCE + ": expected 5 columns: " + line);
    }
    return new Field(cols[0] + "." + cols[1], cols[2], Integer.parseInt(cols[3]), cols[4]);
  }
}
