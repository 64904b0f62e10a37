package io.kubelite.bench.logs;

/**
 * Deterministic application log lines of exactly {@value #LINE_LENGTH} ASCII characters, as a web
 * service writes them: level, method, path with an id, status, duration, user, a 64-bit trace id
 * (one unique term per line, as request ids make in real logs) and filler words. Line {@code n}
 * is always the same text, so a run can be repeated.
 *
 * <p>Frequencies a query can rely on: {@code level=error} on one line in {@value #ERROR_EVERY},
 * a 5xx status on one in {@value #SERVER_ERROR_EVERY}, and the word {@link #RARE_TERM} on one in
 * {@code rareEvery} (by a hash of {@code n}, so about {@code lines / rareEvery} of them).
 */
final class SyntheticLog {
    static final int LINE_LENGTH = 200;
    static final String RARE_TERM = "zqxneedle";
    static final int ERROR_EVERY = 50;
    static final int SERVER_ERROR_EVERY = 40;

    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    private static final String[] PATHS = {"/api/v1/orders/", "/api/v1/cart/", "/api/v1/users/", "/static/app.js?v="};
    private static final String[] WORDS = {
        "cache",
        "hit",
        "miss",
        "upstream",
        "backend",
        "replica",
        "shard",
        "retry",
        "queue",
        "flush",
        "session",
        "token",
        "refresh",
        "checkout",
        "payment",
        "inventory",
        "reserve",
        "release",
        "commit",
        "rollback",
        "pool",
        "conn",
        "idle",
        "latency",
        "budget",
        "quota",
        "region",
        "zone",
        "tenant",
        "feature",
        "flag",
        "rollout"
    };

    private final long rareEvery;

    SyntheticLog(long rareEvery) {
        if (rareEvery < 1) {
            throw new IllegalArgumentException("rareEvery must be positive");
        }
        this.rareEvery = rareEvery;
    }

    /** Line {@code n}: exactly {@value #LINE_LENGTH} characters, no newline. */
    String line(long n) {
        long h = mix(n);
        StringBuilder b = new StringBuilder(LINE_LENGTH + 32);
        boolean error = Long.remainderUnsigned(h, ERROR_EVERY) == 0;
        boolean serverError = Long.remainderUnsigned(h >>> 7, SERVER_ERROR_EVERY) == 0;
        b.append("level=").append(error ? "error" : (h & 0x30) == 0 ? "warn" : "info");
        b.append(' ').append(METHODS[(int) ((h >>> 12) & 0xff) % METHODS.length]);
        b.append(' ').append(PATHS[(int) ((h >>> 20) & 3)]).append((h >>> 22) % 100_000);
        int status = serverError ? 500 + (int) ((h >>> 40) % 4) : (h & 0x300) == 0 ? 404 : 200;
        b.append(" status=").append(status);
        b.append(" dur=").append((h >>> 30) % 2_000).append("ms");
        b.append(" user=u").append((h >>> 44) % 10_000);
        b.append(" trace=").append(String.format("%016x", mix(h)));
        if (isRare(n)) {
            b.append(' ').append(RARE_TERM);
        }
        long w = mix(h ^ 0x5bd1e995L);
        while (b.length() < LINE_LENGTH) {
            b.append(' ').append(WORDS[(int) (w & 31)]);
            w = (w >>> 5) | (w << 59);
        }
        b.setLength(LINE_LENGTH);
        return b.toString();
    }

    /** Whether line {@code n} holds {@link #RARE_TERM}. */
    boolean isRare(long n) {
        return Long.remainderUnsigned(mix(n ^ 0x9e3779b97f4a7c15L), rareEvery) == 0;
    }

    /** SplitMix64's finaliser: a cheap, well-spread hash of {@code x}. */
    static long mix(long x) {
        long z = x + 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
