package io.kubelite.controllers.podautoscaler;

/** A normalized replica count with the condition reason and message kube sets for it. */
record Outcome(int replicas, String reason, String message) {}
