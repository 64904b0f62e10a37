package io.kubelite.store.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    @Test
    void startsFullAndAllowsTheBurstThenRefillsAtItsRate() {
        TokenBucket b = TokenBucket.of(0.001, 3); // one token per 1000 s: no refill during the test
        assertThat(b.tryAccept()).isTrue();
        assertThat(b.tryAccept()).isTrue();
        assertThat(b.tryAccept()).isTrue();
        assertThat(b.tryAccept()).as("burst spent").isFalse();
        TokenBucket fast = TokenBucket.of(1e9, 1);
        fast.drain();
        assertThat(fast.tryAccept()).as("refilled within a nanosecond or so").isTrue();
    }

    @Test
    void unlimitedAndClosedAreTheirOwnBucketsAndZeroIsNotARate() {
        TokenBucket u = TokenBucket.unlimited();
        for (int i = 0; i < 1000; i++) {
            assertThat(u.tryAccept()).isTrue();
        }
        u.drain();
        assertThat(u.tryAccept()).isTrue();
        assertThat(TokenBucket.closed().tryAccept()).isFalse();
        assertThatThrownBy(() -> TokenBucket.of(0, 1)).hasMessageContaining("positive, finite rate, got 0.0");
        assertThatThrownBy(() -> TokenBucket.of(1, 0)).hasMessageContaining("burst of at least 1");
    }
}
