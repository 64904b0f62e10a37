package io.kubelite.api;

import com.google.protobuf.Message;
import java.util.List;

/**
 * The result of reading a document: the message, and the paths of the fields that were in the
 * document but not in the type, and so were dropped ({@code spec.containers[0].volumeMounts},
 * {@code spec.volumes}), in document order.
 *
 * @param <T> the message type
 */
public record Parsed<T extends Message>(T message, List<String> unknownFields) {

  public Parsed {
    unknownFields = List.copyOf(unknownFields);
  }

  /** One warning per dropped field, worded as Kubernetes' API server words them. */
  public List<String> warnings() {
    return unknownFields.stream().map(path -> "unknown field \"" + path + "\"").toList();
  }
}
