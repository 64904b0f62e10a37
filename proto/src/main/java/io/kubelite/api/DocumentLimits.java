package io.kubelite.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The bounds every JSON or YAML text read from a client is held to, in one place: how deep it may
 * nest, how many tokens it may hold and how long a field name may be. The request body limit (3
 * MiB) bounds the bytes; these bound what a small body can make the server do: recurse (every
 * reader and writer of a tree recurses once per level) and allocate (a tree node costs tens of
 * bytes per token of two). They apply to what clients send ({@link ApiJson#requestDocuments}, the
 * API server's request bodies), not to what the server stored or answered.
 *
 * <p>The numbers are far above what any real manifest needs and far below what could exhaust a
 * thread's stack or the heap. {@link #constraints()} applies them to Jackson's JSON and YAML
 * parsers; {@link #describe} words a breach for a client.
 *
 * <p>Thread-safe: constants and immutable configuration.
 */
public final class DocumentLimits {

  /**
   * Deepest nesting of objects and arrays. Real manifests stay under 30 (a CRD's {@code
   * openAPIV3Schema} costs two levels per nested object schema; an object's {@code
   * managedFields.fieldsV1} mirrors its depth plus four). Kube accepts 10000 for JSON, but
   * kubelite's readers, patchers, field managers and writers recurse per level, several frames
   * each; 100 levels stay far from a 512 KiB thread stack while no real manifest comes near.
   */
  public static final int MAX_DEPTH = 100;

  /**
   * Most tokens (field names, values, and each object's or array's start and end) in one document.
   * No object etcd can store comes near: etcd refuses a write over 1.5 MiB, and real objects spend
   * well over three bytes per token. The limit keeps a 3 MiB body of {@code [0,0,0,...]} (1.5
   * million tokens, each a tree node) from costing a hundred megabytes of heap.
   */
  public static final int MAX_TOKENS = 500_000;

  /**
   * Longest field name or map key. The longest a Kubernetes object legitimately holds is a
   * qualified label or annotation key (253-character prefix, '/', 63-character name); ConfigMap and
   * Secret keys are 253.
   */
  public static final int MAX_NAME_LENGTH = 4096;

  /**
   * Code points SnakeYAML reads from one text. Requests are bounded by the body limit before they
   * get here; this is only a backstop for other callers, set above any body limit an operator would
   * configure so that a request never meets SnakeYAML's own wording.
   */
  static final int MAX_YAML_CODE_POINTS = 64 * 1024 * 1024;

  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxTokenCount(MAX_TOKENS)
          .maxNameLength(MAX_NAME_LENGTH)
          .build();

  private DocumentLimits() {}

  /** The limits as Jackson's read constraints. */
  public static StreamReadConstraints constraints() {
    return CONSTRAINTS;
  }

  /** A JSON factory whose parsers enforce the limits. */
  public static JsonFactory jsonFactory() {
    return JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
  }

  /** An ObjectMapper whose readers enforce the limits (its writers are Jackson's defaults). */
  public static ObjectMapper jsonMapper() {
    return new ObjectMapper(jsonFactory());
  }

  /**
   * A YAML factory whose parsers enforce the limits. Jackson's YAML parser reads SnakeYAML's
   * events, not its composed nodes, so SnakeYAML never expands an alias for it; {@link Documents}
   * refuses aliases outright. SnakeYAML's own options are set to the same bounds so that no other
   * path through it is looser.
   */
  public static YAMLFactory yamlFactory() {
    return yamlFactory(CONSTRAINTS);
  }

  /** A YAML factory with {@code constraints}, SnakeYAML's options matched to them. */
  static YAMLFactory yamlFactory(StreamReadConstraints constraints) {
    LoaderOptions loader = new LoaderOptions();
    loader.setNestingDepthLimit(constraints.getMaxNestingDepth());
    loader.setMaxAliasesForCollections(0);
    loader.setAllowRecursiveKeys(false);
    loader.setCodePointLimit(MAX_YAML_CODE_POINTS);
    return YAMLFactory.builder()
        .loaderOptions(loader)
        .streamReadConstraints(constraints)
        // new YAMLFactory() has it on, the builder (Jackson 2.18) not: an empty document stays null
        .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
        .build();
  }

  /**
   * A breach of the limits worded for a client ({@code the document nests deeper than 100 levels}),
   * or null when {@code e} is not one. Jackson's own message names its classes and methods; this
   * one says what was too big and what the limit is.
   */
  public static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StreamConstraintsException c) {
        return describe(c);
      }
      if (t == t.getCause()) {
        break;
      }
    }
    return null;
  }

  private static String describe(StreamConstraintsException e) {
    // Jackson 2.18 says which constraint in its message's first words; DocumentLimitsTest pins
    // each of them, so a Jackson upgrade that rewords one fails a test, not a client.
    String m = String.valueOf(e.getOriginalMessage());
    if (m.startsWith("Document nesting depth")) {
      return "the document nests deeper than " + MAX_DEPTH + " levels";
    }
    if (m.startsWith("Token count")) {
      return "the document has more than "
          + MAX_TOKENS
          + " tokens (field names, values, and object and array brackets)";
    }
    if (m.startsWith("Name length")) {
      return "a field name is longer than " + MAX_NAME_LENGTH + " characters";
    }
    return "the document exceeds a size limit";
  }
}
