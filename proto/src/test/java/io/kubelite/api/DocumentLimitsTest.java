package io.kubelite.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link DocumentLimits} as {@link ApiJson#requestDocuments} enforces them, in JSON, flow YAML and
 * block YAML alike: a document at each limit is read, one past it is refused with the limit's own
 * wording (never Jackson's, which names its classes), and YAML aliases cannot expand a small text.
 */
class DocumentLimitsTest {
  private static final int DEPTH = DocumentLimits.MAX_DEPTH;

  /** A JSON object nesting {@code depth} levels: {@code {"a":{"a":...{"a":1}...}}}. */
  static String nestedJson(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  /** The same nesting in block-style YAML. */
  static String nestedYaml(int depth) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < depth - 1; i++) {
      s.append("  ".repeat(i)).append("a:\n");
    }
    return s.append("  ".repeat(depth - 1)).append("a: 1\n").toString();
  }

  static int depthOf(JsonNode n) {
    int d = 0;
    while (n != null && n.isContainerNode()) {
      d++;
      n = n.isObject() ? n.get("a") : n.get(0);
    }
    return d;
  }

  static String refusal(String text) {
    try {
      ApiJson.requestDocuments(text);
    } catch (ApiJsonException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a refusal, the text was read");
  }

  @Test
  void aDocumentAtTheDepthLimitIsReadInEveryFormat() {
    assertThat(depthOf(ApiJson.requestDocuments(nestedJson(DEPTH)).get(0))).isEqualTo(DEPTH);
    assertThat(depthOf(ApiJson.requestDocuments(nestedYaml(DEPTH)).get(0))).isEqualTo(DEPTH);
    // flow-style YAML that is not JSON (unquoted keys) is read by the YAML reader alone
    String flow = "{a: ".repeat(DEPTH) + "1" + "}".repeat(DEPTH);
    assertThat(depthOf(ApiJson.requestDocuments(flow).get(0))).isEqualTo(DEPTH);
  }

  @Test
  void oneLevelDeeperIsRefusedWithTheLimitsWording() {
    String expected = "the document nests deeper than " + DEPTH + " levels";
    assertThat(refusal(nestedJson(DEPTH + 1))).isEqualTo(expected);
    assertThat(refusal(nestedYaml(DEPTH + 1))).isEqualTo(expected);
    assertThat(refusal("{a: ".repeat(DEPTH + 1) + "1" + "}".repeat(DEPTH + 1))).isEqualTo(expected);
    assertThat(refusal("[".repeat(DEPTH + 1) + "]".repeat(DEPTH + 1))).isEqualTo(expected);
    // far deeper: refused just the same, no StackOverflowError
    assertThat(refusal(nestedJson(200_000))).isEqualTo(expected);
    assertThat(refusal("[".repeat(1_000_000))).isEqualTo(expected);
  }

  @Test
  void tooManyTokensAreRefusedInJsonAndYaml() {
    // {"v":[0,0,...]}: start object, name, start array, n values, end array, end object
    int n = DocumentLimits.MAX_TOKENS;
    String expected =
        "the document has more than "
            + DocumentLimits.MAX_TOKENS
            + " tokens (field names, values, and object and array brackets)";
    String json = "{\"v\":[" + "0,".repeat(n) + "0]}";
    assertThat(refusal(json)).isEqualTo(expected);
    String yaml = "v:\n" + "- 0\n".repeat(n + 1);
    assertThat(refusal(yaml)).isEqualTo(expected);
    // just under the limit is read
    String atLimit = "{\"v\":[" + "0,".repeat(n - 6) + "0]}";
    assertThat(ApiJson.requestDocuments(atLimit).get(0).get("v").size()).isEqualTo(n - 5);
  }

  @Test
  void anOverlongFieldNameIsRefusedInJsonAndYaml() {
    String name = "n".repeat(DocumentLimits.MAX_NAME_LENGTH + 1);
    String expected =
        "a field name is longer than " + DocumentLimits.MAX_NAME_LENGTH + " characters";
    assertThat(refusal("{\"" + name + "\":1}")).isEqualTo(expected);
    // YAML's implicit keys stop at 1024 characters; an explicit key ("? ") has no such bound
    assertThat(refusal("? " + name + "\n: 1\n")).startsWith(expected);
    String longest = "n".repeat(DocumentLimits.MAX_NAME_LENGTH);
    assertThat(ApiJson.requestDocuments("? " + longest + "\n: 1\n").get(0).has(longest)).isTrue();
  }

  /** Ten levels of ten aliases each: 10^10 strings if expanded, 400 bytes as sent. */
  static String billionLaughs() {
    StringBuilder s = new StringBuilder("a0: &a0 [\"lol\"]\n");
    for (int i = 1; i < 10; i++) {
      s.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        s.append(j == 0 ? "" : ",").append("*a").append(i - 1);
      }
      s.append("]\n");
    }
    return s.toString();
  }

  @Test
  void yamlAliasesAreRefusedSoNoBodyCanExpand() {
    assertThat(refusal(billionLaughs()))
        .startsWith("YAML aliases are not supported (*a0) at line 2, column ");
    assertThat(refusal("{a: &x [1, 2], b: *x}")).startsWith("YAML aliases are not supported (*x)");
    assertThat(refusal("a: &x 1\n---\nb: *x\n")).startsWith("YAML aliases are not supported (*x)");
    // an anchor alone changes nothing and is read
    assertThat(ApiJson.requestDocuments("a: &x 1\n").get(0).toString()).isEqualTo("{\"a\":1}");
  }

  @Test
  void textThatIsNotARequestKeepsJacksonsBounds() {
    // a stored object's managedFields nest a few levels deeper than the object a client sent
    assertThat(depthOf(ApiJson.documents(nestedJson(DEPTH + 10)).get(0))).isEqualTo(DEPTH + 10);
    String json = "{\"v\":[" + "0,".repeat(DocumentLimits.MAX_TOKENS) + "0]}";
    assertThat(ApiJson.documents(json).get(0).get("v").size())
        .isEqualTo(DocumentLimits.MAX_TOKENS + 1);
    // aliases are refused everywhere: read as their anchor's name, they would be different data
    assertThatThrownBy(() -> ApiJson.documents("a: &x 1\nb: *x\n"))
        .hasMessageStartingWith("YAML aliases are not supported (*x)");
  }

  @Test
  void overLimitTextIsNotReadTheOtherWay() {
    // JSON-looking text over a limit is not retried as YAML: the message stays the limit's
    assertThat(refusal("[".repeat(DEPTH + 1) + "1" + "]".repeat(DEPTH + 1)))
        .doesNotContain("malformed", "StreamReadConstraints", "Exception");
  }

  /**
   * A free-form document at the depth limit, bound to a protobuf Struct (a CRD's schema) and a
   * custom object and written back as JSON and YAML, on a thread with a quarter of the JVM's
   * default stack: every recursion the limit guards has room to spare.
   */
  @Test
  void readingAndWritingAtTheLimitFitsASmallStack() throws Exception {
    // {"spec":{"versions":[{"schema":{"openAPIV3Schema": ... }}]}}: six levels before the schema
    String crd =
        "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
            + "\"metadata\":{\"name\":\"deep.example.org\"},\"spec\":{\"versions\":[{\"name\":\"v1\","
            + "\"schema\":{\"openAPIV3Schema\":"
            + nestedJson(DEPTH - 5)
            + "}}]}}";
    String custom =
        "{\"apiVersion\":\"example.org/v1\",\"kind\":\"Deep\",\"metadata\":{\"name\":\"d\"},\"spec\":"
            + nestedJson(DEPTH - 1)
            + "}";
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<List<String>> written = new AtomicReference<>();
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                CustomResourceDefinition c =
                    ApiJson.parse(crd, CustomResourceDefinition.getDefaultInstance()).message();
                CustomObject o = ApiJson.parse(custom, CustomObject.getDefaultInstance()).message();
                written.set(
                    List.of(
                        ApiJson.toJson(c),
                        ApiJson.toYaml(c),
                        ApiJson.toJson(o),
                        ApiJson.toYaml(o)));
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "small-stack",
            256 * 1024);
    t.start();
    t.join();
    assertThat(failure.get()).as("what reading or writing at the limit threw").isNull();
    assertThat(written.get().get(0)).contains(nestedJson(DEPTH - 5));
    assertThat(written.get().get(2)).contains(nestedJson(DEPTH - 1));
    // what was written reads back: the limit holds for the server's own output
    assertThat(ApiJson.requestDocuments(written.get().get(1))).hasSize(1);
    assertThat(ApiJson.requestDocuments(written.get().get(3))).hasSize(1);
  }
}
