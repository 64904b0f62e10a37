package io.kubelite.api;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a field of an API type declares beyond its proto type, as Kubernetes' Go types declare it in
 * struct tags and markers: its strategic-merge-patch strategy and merge key, its list type and map
 * keys, whether it is required, and whether its strings are Quantities or its timestamp a
 * MicroTime. Read from the field options of {@code schema.proto}, the one place they are defined;
 * the API server's strategic merge patch and its OpenAPI documents both ask here.
 *
 * <p>Thread-safe.
 */
public final class FieldSchema {

  private static final Map<Descriptor, Map<String, FieldDescriptor>> BY_JSON_NAME =
      new ConcurrentHashMap<>();

  private FieldSchema() {}

  /** The field of {@code type} with JSON name {@code jsonName}, or null when it has none. */
  public static FieldDescriptor field(Descriptor type, String jsonName) {
    return BY_JSON_NAME
        .computeIfAbsent(
            type,
            d -> {
              Map<String, FieldDescriptor> byName = new ConcurrentHashMap<>();
              d.getFields().forEach(f -> byName.put(f.getJsonName(), f));
              return byName;
            })
        .get(jsonName);
  }

  /** Kubernetes' {@code patchStrategy}: "merge", "retainKeys", "merge,retainKeys" or "". */
  public static String patchStrategy(FieldDescriptor field) {
    return field.getOptions().getExtension(SchemaProto.patchStrategy);
  }

  /** Kubernetes' {@code patchMergeKey}: the element field a merged list is keyed on, or "". */
  public static String patchMergeKey(FieldDescriptor field) {
    return field.getOptions().getExtension(SchemaProto.patchMergeKey);
  }

  /** True when strategic merge patch merges this list rather than replacing it. */
  public static boolean mergesList(FieldDescriptor field) {
    return field.isRepeated() && patchStrategy(field).contains("merge");
  }

  /** Kubernetes' {@code +listType}: "atomic", "set", "map", or "" when not declared. */
  public static String listType(FieldDescriptor field) {
    return field.getOptions().getExtension(SchemaProto.listType);
  }

  /** Kubernetes' {@code +listMapKey}s, in order. */
  public static List<String> listMapKeys(FieldDescriptor field) {
    return field.getOptions().getExtension(SchemaProto.listMapKeys);
  }

  /** True when Kubernetes requires the field. */
  public static boolean required(FieldDescriptor field) {
    return field.getOptions().getExtension(SchemaProto.required);
  }

  /** True when the field's strings (or its map's values) are resource Quantities. */
  public static boolean quantity(FieldDescriptor field) {
    return field.getOptions().getExtension(SchemaProto.quantity);
  }

  /** True when the timestamp is a metav1.MicroTime rather than a metav1.Time. */
  public static boolean microTime(FieldDescriptor field) {
    return field.getOptions().getExtension(SchemaProto.microTime);
  }

  /**
   * True when server-side apply treats an object of {@code type} as one value (Kubernetes' {@code
   * +structType=atomic}): whoever applies it owns all of it, and an apply replaces it.
   */
  public static boolean atomicStruct(Descriptor type) {
    return "atomic".equals(type.getOptions().getExtension(SchemaProto.structType));
  }

  /** The string an absent field defaults to (Kubernetes' {@code +default}), or "" when none. */
  public static String defaultString(FieldDescriptor field) {
    return field.getOptions().getExtension(SchemaProto.defaultString);
  }

  /** The Kubernetes Go package a proto file models ({@code io.k8s.api.core.v1}), or "". */
  public static String k8sPackage(FileDescriptor file) {
    return file.getOptions().getExtension(SchemaProto.k8SPackage);
  }

  /**
   * The Kubernetes type a message models, as OpenAPI and {@link KubeFields} name it ({@code
   * io.k8s.api.core.v1.Pod}): its {@code (k8s_type)}, else its file's {@code (k8s_package)} and its
   * name (a nested message as {@code Outer.Inner}); "" for kubelite's own messages ({@code
   * (kubelite_only)}) and files without a package.
   */
  public static String k8sType(Descriptor type) {
    if (type.getOptions().getExtension(SchemaProto.kubeliteOnly)) {
      return "";
    }
    String declared = type.getOptions().getExtension(SchemaProto.k8SType);
    if (!declared.isEmpty()) {
      return declared;
    }
    String pkg = k8sPackage(type.getFile());
    if (pkg.isEmpty()) {
      return "";
    }
    String name = type.getName();
    for (Descriptor outer = type.getContainingType();
        outer != null;
        outer = outer.getContainingType()) {
      name = outer.getName() + "." + name;
    }
    return pkg + "." + name;
  }

  /**
   * The field of the message's Kubernetes type that holds this field in Kubernetes' protobuf, for a
   * field of a Go-embedded struct ({@code "localObjectReference"}, {@code "handler"}); "" for every
   * other field.
   */
  public static String k8sInline(FieldDescriptor field) {
    return field.getOptions().getExtension(SchemaProto.k8SInline);
  }

  /**
   * Whether this string field holds the JSON of every top-level member its message does not model
   * ({@code (unstructured_rest)}: a custom object's spec, status, ...).
   */
  public static boolean unstructuredRest(FieldDescriptor field) {
    return field.getOptions().getExtension(SchemaProto.unstructuredRest);
  }

  /** The message's {@link #unstructuredRest} field, or null when it has none. */
  public static FieldDescriptor unstructuredRest(Descriptor type) {
    for (FieldDescriptor f : type.getFields()) {
      if (unstructuredRest(f)) {
        return f;
      }
    }
    return null;
  }
}
