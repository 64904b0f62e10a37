package io.kubelite.api;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The comments of the API types' {@code .proto} files, as descriptions: the comment above a message
 * describes its type, the comment above a field describes the field. Generated Java descriptors
 * carry no comments, so protoc writes a descriptor set with source info beside the classes ({@code
 * kubelite-api.desc}, see the module's pom) and this class reads it once.
 *
 * <p>Thread-safe.
 */
public final class ApiComments {

  private static final String RESOURCE = "kubelite-api.desc";
  // FileDescriptorProto.message_type, DescriptorProto.field and .nested_type field numbers:
  // the path elements that SourceCodeInfo locations use.
  private static final int MESSAGE_TYPE = 4;
  private static final int FIELD = 2;
  private static final int NESTED_TYPE = 3;

  private static final Map<String, String> COMMENTS = load();

  private ApiComments() {}

  /** The comment above the message, as one paragraph; "" when there is none. */
  public static String of(Descriptor message) {
    return COMMENTS.getOrDefault(message.getFullName(), "");
  }

  /** The comment above the field, as one paragraph; "" when there is none. */
  public static String of(FieldDescriptor field) {
    return COMMENTS.getOrDefault(field.getFullName(), "");
  }

  private static Map<String, String> load() {
    try (InputStream in = ApiComments.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        // Built without the descriptor set: descriptions are empty, nothing else changes.
        return Map.of();
      }
      Map<String, String> comments = new HashMap<>();
      for (FileDescriptorProto file : FileDescriptorSet.parseFrom(in).getFileList()) {
        Map<List<Integer>, String> byPath = new HashMap<>();
        for (SourceCodeInfo.Location l : file.getSourceCodeInfo().getLocationList()) {
          if (l.hasLeadingComments()) {
            byPath.put(l.getPathList(), paragraph(l.getLeadingComments()));
          }
        }
        String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
        for (int i = 0; i < file.getMessageTypeCount(); i++) {
          collect(file.getMessageType(i), prefix, List.of(MESSAGE_TYPE, i), byPath, comments);
        }
      }
      return Map.copyOf(comments);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static void collect(
      DescriptorProto message,
      String prefix,
      List<Integer> path,
      Map<List<Integer>, String> byPath,
      Map<String, String> comments) {
    String name = prefix + message.getName();
    put(comments, name, byPath.get(path));
    for (int f = 0; f < message.getFieldCount(); f++) {
      put(comments, name + "." + message.getField(f).getName(), byPath.get(append(path, FIELD, f)));
    }
    for (int n = 0; n < message.getNestedTypeCount(); n++) {
      collect(message.getNestedType(n), name + ".", append(path, NESTED_TYPE, n), byPath, comments);
    }
  }

  private static List<Integer> append(List<Integer> path, int kind, int index) {
    Integer[] out = path.toArray(new Integer[path.size() + 2]);
    out[path.size()] = kind;
    out[path.size() + 1] = index;
    return List.of(out);
  }

  private static void put(Map<String, String> comments, String name, String comment) {
    if (comment != null && !comment.isEmpty()) {
      comments.put(name, comment);
    }
  }

  /** Comment lines joined into one paragraph, as Kubernetes' descriptions read. */
  private static String paragraph(String comment) {
    return String.join(" ", comment.strip().split("\\s*\\n\\s*"));
  }
}
