package io.kubelite.api;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.GeneratedMessage;
import com.google.protobuf.Message;
import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a generated message's fields through its generated accessors, called as directly as a
 * lambda, instead of through protobuf's reflection ({@link Message#getAllFields()}, {@link
 * Message#getField}), which calls each accessor by {@link Method#invoke} and builds a sorted map
 * per call. Code that walks every decoded object field by field — to share equal parts between
 * objects — spent most of its time in that reflection.
 *
 * <p>Values are what the generated getters return: a singular field's value (a {@link String}, a
 * boxed number or boolean, a Java enum, a message), a repeated field's {@link List}, a map field's
 * {@link java.util.Map}. A field with presence (a singular message, an optional scalar) that is not
 * set reads as null, so that code copying values into a builder does not set it. What is not the
 * reflective form: enums (reflection gives an {@code EnumValueDescriptor}) and map fields
 * (reflection gives a list of entries); pass those to a builder with {@link Message#getField}
 * instead.
 *
 * <p>Immutable and thread-safe; one per message class, made on first use ({@link #of}).
 */
public final class MessageFields {
  private static final ClassValue<MessageFields> BY_CLASS =
      new ClassValue<>() {
        @Override
        protected MessageFields computeValue(Class<?> type) {
          Descriptor d;
          try {
            d = (Descriptor) type.getMethod("getDescriptor").invoke(null);
          } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(
                type.getName() + " is not a generated protobuf message", e);
          }
          return new MessageFields(d, type);
        }
      };

  /** What a field's value is, for code that treats strings and messages apart from the rest. */
  public enum Kind {
    MESSAGE,
    STRING,
    /** Numbers, booleans, enums, bytes; and map fields, whatever their values. */
    OTHER
  }

  /** One field of the message type and its accessor. */
  public static final class Field {
    private final FieldDescriptor descriptor;
    private final Kind kind;
    private final Function<Object, Object> getter;
    private final Function<Object, Object> presence;
    private final boolean generated;

    private Field(
        FieldDescriptor descriptor,
        Function<Object, Object> getter,
        Function<Object, Object> presence,
        boolean generated) {
      this.descriptor = descriptor;
      this.generated = generated;
      this.kind =
          descriptor.isMapField()
              ? Kind.OTHER
              : switch (descriptor.getJavaType()) {
                case MESSAGE -> Kind.MESSAGE;
                case STRING -> Kind.STRING;
                default -> Kind.OTHER;
              };
      this.getter = getter;
      this.presence = presence;
    }

    public FieldDescriptor descriptor() {
      return descriptor;
    }

    /**
     * MESSAGE or STRING for a singular or repeated field of those; OTHER for the rest and for maps.
     */
    public Kind kind() {
      return kind;
    }

    /** Repeated (a list); map fields count as not repeated here: their value is one map. */
    public boolean repeated() {
      return descriptor.isRepeated() && !descriptor.isMapField();
    }

    /**
     * Read through the generated accessors; false: through protobuf's reflection (oneof members).
     */
    boolean generated() {
      return generated;
    }

    /** The field's value in {@code m}, or null when it has presence and is not set. */
    public Object get(Message m) {
      if (presence != null && !((Boolean) presence.apply(m))) {
        return null;
      }
      return getter.apply(m);
    }
  }

  private final List<Field> fields;
  private final boolean hasMapFields;

  /** {@code type}'s accessors; {@code type} null: protobuf's reflection for every field. */
  private MessageFields(Descriptor d, Class<?> type) {
    List<Field> out = new ArrayList<>();
    for (FieldDescriptor fd : d.getFields()) {
      out.add(type == null ? reflective(fd) : field(type, fd));
    }
    this.fields = List.copyOf(out);
    this.hasMapFields = out.stream().anyMatch(f -> f.descriptor().isMapField());
  }

  /**
   * The accessors of {@code m}'s type: its generated ones for a generated message, made once per
   * class; protobuf's reflection for others (a map field's entries, a dynamic message), made per
   * call.
   */
  public static MessageFields of(Message m) {
    return m instanceof GeneratedMessage
        ? BY_CLASS.get(m.getClass())
        : new MessageFields(m.getDescriptorForType(), null);
  }

  /** Every field of the type, in declaration order. */
  public List<Field> fields() {
    return fields;
  }

  /**
   * Whether the type has map fields: its generated {@code toBuilder()} then gives each of them,
   * empty ones too, a map of its own in the message it builds.
   */
  public boolean hasMapFields() {
    return hasMapFields;
  }

  /**
   * A builder of {@code m}'s type holding {@code m}'s fields but those in {@code except}, set one
   * by one. Unlike {@code m.toBuilder()}, map fields {@code m} leaves empty stay the default
   * instance's shared empty map in the message it builds (some 150 bytes each otherwise).
   */
  public Message.Builder builderFrom(Message m, Set<FieldDescriptor> except) {
    Message.Builder b = m.newBuilderForType();
    for (Field f : fields) {
      FieldDescriptor fd = f.descriptor;
      Object v = f.get(m);
      if (v == null
          || except.contains(fd)
          || (v instanceof List<?> l && l.isEmpty())
          || (v instanceof Map<?, ?> map && map.isEmpty())) {
        continue;
      }
      // numbers, enums and maps in reflection's form of them
      b.setField(fd, f.kind == Kind.OTHER ? m.getField(fd) : v);
    }
    return b.setUnknownFields(m.getUnknownFields());
  }

  private static Field field(Class<?> type, FieldDescriptor fd) {
    boolean singularWithPresence = !fd.isRepeated() && fd.hasPresence();
    if (fd.getRealContainingOneof() == null) {
      String name = javaName(fd);
      Function<Object, Object> get =
          accessor(
              type,
              fd.isMapField()
                  ? "get" + name + "Map"
                  : fd.isRepeated() ? "get" + name + "List" : "get" + name);
      Function<Object, Object> has = singularWithPresence ? accessor(type, "has" + name) : null;
      if (get != null && (has != null || !singularWithPresence)) {
        return new Field(fd, get, has, true);
      }
    }
    // a oneof member, or a name this scheme does not derive: protobuf's own reflection
    return reflective(fd);
  }

  private static Field reflective(FieldDescriptor fd) {
    boolean singularWithPresence = !fd.isRepeated() && fd.hasPresence();
    return new Field(
        fd,
        m ->
            singularWithPresence && !((Message) m).hasField(fd) ? null : ((Message) m).getField(fd),
        null,
        false);
  }

  /**
   * The generated accessors' name part: protobuf's java generator capitalizes the field name's
   * first letter and every letter after an underscore or a digit, and drops the underscores.
   */
  static String javaName(FieldDescriptor fd) {
    String n = fd.getName();
    StringBuilder b = new StringBuilder(n.length());
    boolean upper = true;
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c == '_') {
        upper = true;
      } else if (Character.isDigit(c)) {
        b.append(c);
        upper = true;
      } else {
        b.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return b.toString();
  }

  /**
   * A lambda calling the public no-argument method {@code name} of {@code type}, or null if it has
   * none.
   */
  @SuppressWarnings("unchecked")
  private static Function<Object, Object> accessor(Class<?> type, String name) {
    Method method;
    try {
      method = type.getMethod(name);
    } catch (NoSuchMethodException e) {
      return null;
    }
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      MethodHandle target = lookup.unreflect(method);
      Class<?> returned = MethodType.methodType(method.getReturnType()).wrap().returnType();
      CallSite site =
          LambdaMetafactory.metafactory(
              MethodHandles.lookup(),
              "apply",
              MethodType.methodType(Function.class),
              MethodType.methodType(Object.class, Object.class),
              target,
              MethodType.methodType(returned, type));
      return (Function<Object, Object>) site.getTarget().invokeExact();
    } catch (Throwable e) {
      return null;
    }
  }
}
