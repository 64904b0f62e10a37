package io.kubelite.store;

/**
 * Conditions a delete or update must meet: the object's uid and/or resourceVersion.
 * Empty strings mean "no condition".
 */
public record Preconditions(String uid, String resourceVersion) {
    public static final Preconditions NONE = new Preconditions("", "");

    public Preconditions {
        uid = uid == null ? "" : uid;
        resourceVersion = resourceVersion == null ? "" : resourceVersion;
    }

    public static Preconditions uid(String uid) {
        return new Preconditions(uid, "");
    }

    public static Preconditions resourceVersion(String rv) {
        return new Preconditions("", rv);
    }

    public boolean isEmpty() {
        return uid.isEmpty() && resourceVersion.isEmpty();
    }
}
