package io.kubelite.logstore.index;

/** What {@link LogIndex#add} did with one stream's lines. */
public record StreamOutcome(int accepted, int duplicates, int tooOld) {}
