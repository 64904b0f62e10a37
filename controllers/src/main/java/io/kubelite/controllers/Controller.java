package io.kubelite.controllers;

/**
 * One controller of the controller-manager, living for one leadership term.
 *
 * <p>Lifecycle, driven by {@link ControllerManager}: constructed with the term's
 * {@link ControllerContext} (it registers its informer handlers and indexes then), then
 * {@link #start()} once every informer has synced, then {@link #close()} when the term
 * ends. {@code close} must end every thread the controller started.
 */
public interface Controller extends AutoCloseable {
    String name();

    void start();

    @Override
    void close();
}
