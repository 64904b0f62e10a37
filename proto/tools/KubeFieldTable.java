import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Writes the table of Kubernetes' protobuf field numbers that kubelite's protos are numbered by
 * (proto/src/main/resources/io/kubelite/api/kube-field-numbers.tsv), from a kubectl binary.
 *
 * <p>A Go program built with Kubernetes' API packages carries each package's protobuf file
 * descriptor, gzipped, as registered at init; this finds them by the gzip magic, keeps the files
 * of the packages below, and prints one line per field: the package as OpenAPI names it
 * (io.k8s.api.core.v1), the message (nested ones as Outer.Inner), the field's name (which is its
 * JSON name), its number and its type (a scalar, a message as package.Message, "repeated T", or
 * "map<K,V>"). Map entry messages are not listed. Sorted, so a regenerated table diffs cleanly.
 *
 * <p>Run (protobuf-java on the class path, nothing else):
 *
 * <pre>
 * java -cp ~/.m2/repository/com/google/protobuf/protobuf-java/4.36.2/protobuf-java-4.36.2.jar \
 *   proto/tools/KubeFieldTable.java /usr/lib/google-cloud-sdk/bin/kubectl.1.32 \
 *   > proto/src/main/resources/io/kubelite/api/kube-field-numbers.tsv
 * </pre>
 */
public final class KubeFieldTable {

  /** The Go packages kubelite models or is about to (proto package names). */
  private static final Set<String> PACKAGES =
      Set.of(
          "k8s.io.api.core.v1",
          "k8s.io.api.apps.v1",
          "k8s.io.api.batch.v1",
          "k8s.io.api.batch.v1beta1",
          "k8s.io.api.policy.v1",
          "k8s.io.api.authentication.v1",
          "k8s.io.api.authorization.v1",
          "k8s.io.api.autoscaling.v1",
          "k8s.io.api.autoscaling.v2",
          "k8s.io.api.coordination.v1",
          "k8s.io.api.discovery.v1",
          "k8s.io.api.events.v1",
          "k8s.io.api.storage.v1",
          "k8s.io.api.rbac.v1",
          "k8s.io.apimachinery.pkg.apis.meta.v1",
          "k8s.io.apimachinery.pkg.runtime",
          "k8s.io.apimachinery.pkg.util.intstr",
          "k8s.io.apimachinery.pkg.api.resource");

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: KubeFieldTable KUBECTL_BINARY > kube-field-numbers.tsv");
      System.exit(2);
    }
    byte[] binary = Files.readAllBytes(Path.of(args[0]));
    Map<String, FileDescriptorProto> files = new TreeMap<>();
    for (int i = 0; i + 3 < binary.length; i++) {
      if ((binary[i] & 0xff) == 0x1f && (binary[i + 1] & 0xff) == 0x8b && binary[i + 2] == 8) {
        FileDescriptorProto f = tryFile(binary, i);
        if (f != null && PACKAGES.contains(f.getPackage())) {
          files.put(f.getName(), f);
        }
      }
    }
    Map<String, DescriptorProto> entries = new HashMap<>();
    for (FileDescriptorProto f : files.values()) {
      for (DescriptorProto m : f.getMessageTypeList()) {
        collectEntries("." + f.getPackage() + "." + m.getName(), m, entries);
      }
    }
    List<String> lines = new ArrayList<>();
    for (FileDescriptorProto f : files.values()) {
      for (DescriptorProto m : f.getMessageTypeList()) {
        lines(openApi(f.getPackage()), m.getName(), m, entries, lines);
      }
    }
    lines.sort(null);
    System.out.println("# package\tmessage\tjsonName\tnumber\ttype");
    System.out.println(
        "# Kubernetes' protobuf field numbers, from the descriptors in kubectl "
            + "(proto/tools/KubeFieldTable.java); kubelite's protos are numbered by it");
    lines.forEach(System.out::println);
    System.err.println(files.size() + " files, " + lines.size() + " fields");
  }

  private static FileDescriptorProto tryFile(byte[] binary, int at) {
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(binary, at, binary.length - at))) {
      FileDescriptorProto f = FileDescriptorProto.parseFrom(in.readAllBytes());
      return f.getName().startsWith("k8s.io/") ? f : null;
    } catch (IOException | RuntimeException e) {
      return null; // not a gzipped descriptor
    }
  }

  private static void collectEntries(
      String fullName, DescriptorProto m, Map<String, DescriptorProto> entries) {
    for (DescriptorProto n : m.getNestedTypeList()) {
      String name = fullName + "." + n.getName();
      if (n.getOptions().getMapEntry()) {
        entries.put(name, n);
      } else {
        collectEntries(name, n, entries);
      }
    }
  }

  private static void lines(
      String pkg,
      String name,
      DescriptorProto m,
      Map<String, DescriptorProto> entries,
      List<String> out) {
    for (FieldDescriptorProto f : m.getFieldList()) {
      out.add(
          String.join(
              "\t", pkg, name, f.getName(), Integer.toString(f.getNumber()), type(f, entries)));
    }
    for (DescriptorProto n : m.getNestedTypeList()) {
      if (!n.getOptions().getMapEntry()) {
        lines(pkg, name + "." + n.getName(), n, entries, out);
      }
    }
  }

  private static String type(FieldDescriptorProto f, Map<String, DescriptorProto> entries) {
    DescriptorProto entry = entries.get(f.getTypeName());
    if (entry != null) {
      return "map<"
          + scalarOrMessage(entry.getField(0))
          + ","
          + scalarOrMessage(entry.getField(1))
          + ">";
    }
    String t = scalarOrMessage(f);
    return f.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED ? "repeated " + t : t;
  }

  private static String scalarOrMessage(FieldDescriptorProto f) {
    if (f.getType() == FieldDescriptorProto.Type.TYPE_MESSAGE
        || f.getType() == FieldDescriptorProto.Type.TYPE_ENUM) {
      String full = f.getTypeName().substring(1); // ".k8s.io.api.core.v1.PodSpec"
      int dot = full.lastIndexOf('.');
      return openApi(full.substring(0, dot)) + full.substring(dot);
    }
    return f.getType().name().substring("TYPE_".length()).toLowerCase();
  }

  /** k8s.io.api.core.v1 (the proto package) → io.k8s.api.core.v1 (the OpenAPI one). */
  private static String openApi(String protoPackage) {
    return protoPackage.startsWith("k8s.io.")
        ? "io.k8s." + protoPackage.substring("k8s.io.".length())
        : protoPackage;
  }
}
