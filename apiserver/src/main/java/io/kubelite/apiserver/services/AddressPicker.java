package io.kubelite.apiserver.services;

import io.kubelite.apiserver.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Takes one free address of a {@link Pool} for an owner: a few random tries (cheap while the
 * pool is sparse, and what kube's allocators do), then walks a read of every reservation from
 * a random start and tries the free ones it found. Only a walk that finds nothing free is
 * "range is full"; losing every candidate to concurrent takers walks again. Every key taken
 * is added to {@code taken}, for the caller's rollback.
 */
final class AddressPicker {
    private static final int RANDOM_ATTEMPTS = 16;
    private static final int CANDIDATES_PER_WALK = 8;
    private static final int WALKS = 4;

    /**
     * A range of addresses: {@code what} names it in errors ({@code serviceIP}, {@code nodePort}),
     * {@code at(i)} is its i-th address, {@code key} the reservation key of an address and
     * {@code held} reads every reservation (address → holder).
     */
    record Pool(
            String what,
            long size,
            LongFunction<String> at,
            Function<String, String> key,
            Supplier<CompletableFuture<Map<String, Reservations.Held>>> held) {}

    private final Reservations reservations;
    private final String owner;
    private final List<String> taken;

    AddressPicker(Reservations reservations, String owner, List<String> taken) {
        this.reservations = reservations;
        this.owner = owner;
        this.taken = taken;
    }

    /** Completes with the address taken, or fails with a 500 "range is full" in kube's words. */
    CompletableFuture<String> pick(Pool pool) {
        if (pool.size() <= 0) {
            return CompletableFuture.failedFuture(full(pool));
        }
        return randomTry(pool, 0)
                .thenCompose(got -> got != null ? CompletableFuture.completedFuture(got) : walk(pool, 1));
    }

    private CompletableFuture<String> randomTry(Pool pool, int attempt) {
        if (attempt >= Math.min(RANDOM_ATTEMPTS, pool.size())) {
            return CompletableFuture.completedFuture(null);
        }
        String candidate = pool.at().apply(ThreadLocalRandom.current().nextLong(pool.size()));
        if (taken.contains(pool.key().apply(candidate))) {
            return randomTry(pool, attempt + 1);
        }
        return tryTake(pool, candidate)
                .thenCompose(ok -> ok ? CompletableFuture.completedFuture(candidate) : randomTry(pool, attempt + 1));
    }

    private CompletableFuture<String> walk(Pool pool, int round) {
        return pool.held().get().thenCompose(held -> {
            long start = ThreadLocalRandom.current().nextLong(pool.size());
            List<String> free = new ArrayList<>();
            for (long j = 0; j < pool.size() && free.size() < CANDIDATES_PER_WALK; j++) {
                String c = pool.at().apply((start + j) % pool.size());
                if (!held.containsKey(c) && !taken.contains(pool.key().apply(c))) {
                    free.add(c);
                }
            }
            if (free.isEmpty()) {
                return CompletableFuture.failedFuture(full(pool));
            }
            return takeFirst(pool, free, 0).thenCompose(got -> {
                if (got != null) {
                    return CompletableFuture.completedFuture(got);
                }
                if (round >= WALKS) {
                    return CompletableFuture.failedFuture(full(pool));
                }
                return walk(pool, round + 1);
            });
        });
    }

    private CompletableFuture<String> takeFirst(Pool pool, List<String> free, int i) {
        if (i >= free.size()) {
            return CompletableFuture.completedFuture(null);
        }
        return tryTake(pool, free.get(i))
                .thenCompose(ok -> ok ? CompletableFuture.completedFuture(free.get(i)) : takeFirst(pool, free, i + 1));
    }

    private CompletableFuture<Boolean> tryTake(Pool pool, String address) {
        String k = pool.key().apply(address);
        return reservations.take(k, owner).thenApply(ok -> {
            if (ok) {
                taken.add(k);
            }
            return ok;
        });
    }

    private static ApiException full(Pool pool) {
        return ApiException.of(
                500,
                "InternalError",
                "Internal error occurred: failed to allocate a " + pool.what() + ": range is full");
    }
}
