package io.kubelite.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A custom object's JSON: metadata typed, every other member kept as sent in its {@code
 * (unstructured_rest)} field, and written back flat, with int64s exact and nothing dropped.
 */
class CustomObjectJsonTest {
  private static final String CRONTAB =
      "{\"apiVersion\":\"stable.example.com/v1\",\"kind\":\"CronTab\","
          + "\"metadata\":{\"name\":\"my-new-cron-object\",\"labels\":{\"app\":\"cron\"}},"
          + "\"spec\":{\"cronSpec\":\"* * * * */5\",\"image\":\"my-awesome-cron-image\","
          + "\"replicas\":9007199254740993,\"ratio\":0.5,\"tags\":[\"a\",null],\"content\":1},"
          + "\"status\":{\"ready\":true}}";

  @Test
  void unknownMembersAreKeptAsSentAndWrittenFlat() {
    Parsed<CustomObject> p = ApiJson.parse(CRONTAB, CustomObject.getDefaultInstance());
    assertThat(p.warnings()).as("nothing is unknown to a custom object").isEmpty();
    CustomObject o = p.message();
    assertThat(o.getMetadata().getName()).isEqualTo("my-new-cron-object");
    assertThat(o.getMetadata().getLabelsMap()).containsEntry("app", "cron");
    assertThat(o.getContent())
        .isEqualTo(
            "{\"spec\":{\"cronSpec\":\"* * * * */5\",\"image\":\"my-awesome-cron-image\","
                + "\"replicas\":9007199254740993,\"ratio\":0.5,\"tags\":[\"a\",null],\"content\":1},"
                + "\"status\":{\"ready\":true}}");
    assertThat(ApiJson.toJson(o)).isEqualTo(CRONTAB);
  }

  @Test
  void aMemberNamedContentIsTheObjectsOwn() {
    CustomObject o =
        ApiJson.parse(
                "{\"kind\":\"Note\",\"metadata\":{\"name\":\"n\"},\"content\":\"hello\"}",
                CustomObject.getDefaultInstance())
            .message();
    assertThat(o.getContent()).isEqualTo("{\"content\":\"hello\"}");
    assertThat(ApiJson.toJson(o))
        .isEqualTo("{\"kind\":\"Note\",\"metadata\":{\"name\":\"n\"},\"content\":\"hello\"}");
  }

  @Test
  void anObjectWithOnlyMetadataHasNoContent() {
    CustomObject o =
        ApiJson.parse("{\"metadata\":{\"name\":\"n\"}}", CustomObject.getDefaultInstance())
            .message();
    assertThat(o.getContent()).isEmpty();
    assertThat(ApiJson.toJson(o)).isEqualTo("{\"metadata\":{\"name\":\"n\"}}");
  }
}
