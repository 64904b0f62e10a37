package io.kubelite.scheduler.framework;

/** A scheduling plugin: one class, one name (Kubernetes' plugin names where one exists). */
public interface Plugin {
    String name();
}
