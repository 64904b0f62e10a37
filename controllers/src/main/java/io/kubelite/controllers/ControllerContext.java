package io.kubelite.controllers;

import io.kubelite.store.Store;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.SharedInformerFactory;

/**
 * What a controller gets for one leadership term: the fenced store (every write it
 * makes goes through it), the term's shared informers, the event recorder and the
 * flags.
 */
public record ControllerContext(
        Store store, SharedInformerFactory informers, EventRecorder recorder, ControllerOptions options) {}
