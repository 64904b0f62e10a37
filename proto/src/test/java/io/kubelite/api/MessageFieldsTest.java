package io.kubelite.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageFields} reads what protobuf's reflection reads, for every field of every message
 * type (the populated objects set them all), and through the generated accessors wherever there is
 * one to call.
 */
class MessageFieldsTest {
  @Test
  void readsWhatReflectionReadsForEveryFieldOfEveryType() {
    int checked = 0;
    for (Message root : PopulatedObjects.all()) {
      List<Message> todo = new ArrayList<>(List.of(root, root.getDefaultInstanceForType()));
      while (!todo.isEmpty()) {
        Message m = todo.remove(todo.size() - 1);
        for (MessageFields.Field f : MessageFields.of(m).fields()) {
          FieldDescriptor fd = f.descriptor();
          Object fast = f.get(m);
          String where = m.getDescriptorForType().getFullName() + "." + fd.getName();
          if (!fd.isRepeated() && fd.hasPresence() && !m.hasField(fd)) {
            assertThat(fast).as(where + " (not set)").isNull();
            continue;
          }
          Object reflective = m.getField(fd);
          if (fd.isMapField()) {
            assertThat((Map<?, ?>) fast).as(where).hasSize(((List<?>) reflective).size());
          } else if (fd.getJavaType() == FieldDescriptor.JavaType.ENUM) {
            assertThat(String.valueOf(fast)).as(where).isNotEmpty();
          } else {
            assertThat(fast).as(where).isEqualTo(reflective);
          }
          if (f.kind() == MessageFields.Kind.MESSAGE) {
            if (f.repeated()) {
              for (Object e : (List<?>) fast) {
                todo.add((Message) e);
              }
            } else {
              todo.add((Message) fast);
            }
          }
          checked++;
        }
      }
    }
    assertThat(checked).as("fields checked").isGreaterThan(1000);
  }

  @Test
  void fieldsOutsideOneofsUseTheGeneratedAccessors() {
    for (Message root : PopulatedObjects.all()) {
      for (MessageFields.Field f : MessageFields.of(root).fields()) {
        if (f.descriptor().getRealContainingOneof() == null) {
          assertThat(f.generated())
              .as(root.getDescriptorForType().getName() + "." + f.descriptor().getName())
              .isTrue();
        }
      }
    }
    PodSpec spec = PopulatedObjects.pod().getSpec();
    assertThat(MessageFields.of(spec).fields())
        .filteredOn(f -> f.descriptor().getRealContainingOneof() == null)
        .allMatch(MessageFields.Field::generated);
  }

  @Test
  void builderFromCopiesEveryFieldButTheOnesLeftOut() {
    for (Message root : PopulatedObjects.all()) {
      assertThat(MessageFields.of(root).builderFrom(root, java.util.Set.of()).build())
          .as(root.getDescriptorForType().getName())
          .isEqualTo(root);
    }
    ObjectMeta meta = PopulatedObjects.pod().getMetadata();
    FieldDescriptor name = ObjectMeta.getDescriptor().findFieldByName("name");
    ObjectMeta withoutName =
        (ObjectMeta) MessageFields.of(meta).builderFrom(meta, java.util.Set.of(name)).build();
    assertThat(withoutName).isEqualTo(meta.toBuilder().clearName().build());
  }

  @Test
  void mapEntriesAreReadThroughReflection() {
    ObjectMeta meta = ObjectMeta.newBuilder().putLabels("app", "web").build();
    FieldDescriptor labels = ObjectMeta.getDescriptor().findFieldByName("labels");
    Message entry = (Message) ((List<?>) meta.getField(labels)).get(0);
    List<Object> values = new ArrayList<>();
    for (MessageFields.Field f : MessageFields.of(entry).fields()) {
      assertThat(f.generated()).isFalse();
      values.add(f.get(entry));
    }
    assertThat(values).containsExactly("app", "web");
  }

  @Test
  void kindsTellStringsAndMessagesFromTheRest() {
    Map<String, MessageFields.Kind> kinds = new java.util.HashMap<>();
    for (MessageFields.Field f : MessageFields.of(PopulatedObjects.pod().getMetadata()).fields()) {
      kinds.put(f.descriptor().getName(), f.kind());
    }
    assertThat(kinds)
        .containsEntry("name", MessageFields.Kind.STRING)
        .containsEntry("creation_timestamp", MessageFields.Kind.MESSAGE)
        .containsEntry("owner_references", MessageFields.Kind.MESSAGE)
        .containsEntry("labels", MessageFields.Kind.OTHER)
        .containsEntry("generation", MessageFields.Kind.OTHER);
  }
}
