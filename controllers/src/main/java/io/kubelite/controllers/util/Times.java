package io.kubelite.controllers.util;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Conversions between protobuf timestamps and {@link Instant}. */
public final class Times {
    private Times() {}

    public static Timestamp ts(Instant i) {
        return Timestamp.newBuilder()
                .setSeconds(i.getEpochSecond())
                .setNanos(i.getNano())
                .build();
    }

    /** Now, truncated to whole seconds as Kubernetes' metav1.Time serialises it. */
    public static Timestamp nowSeconds() {
        return Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()).build();
    }

    public static Timestamp now() {
        return ts(Instant.now());
    }

    public static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    public static boolean isSet(Timestamp t) {
        return t.getSeconds() != 0 || t.getNanos() != 0;
    }
}
