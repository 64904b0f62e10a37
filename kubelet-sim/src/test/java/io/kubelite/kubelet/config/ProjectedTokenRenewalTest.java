package io.kubelite.kubelet.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ServiceAccountTokenProjection;
import io.kubelite.apiserver.testing.TestServiceAccountKeys;
import io.kubelite.controllers.util.ManualClock;
import io.kubelite.store.serviceaccount.ServiceAccountTokenSigner;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A pod's projected token is kept across volume syncs and renewed when the kubelet's token
 * manager would renew it: past 80 % of its lifetime or 24 hours (each less up to 10 s of
 * jitter), or when it no longer names the account as it is.
 */
class ProjectedTokenRenewalTest {
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
    private static final RSAKey KEY = TestServiceAccountKeys.generate().key();

    private final ManualClock clock = new ManualClock(T0);
    private final ProjectedTokens tokens =
            new ProjectedTokens(new ServiceAccountTokenSigner("https://kubernetes.default.svc", KEY, clock), clock);

    private static final Pod POD = Pod.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setNamespace("ns").setName("p").setUid("pod-uid"))
            .setSpec(PodSpec.newBuilder().setNodeName("n1"))
            .build();

    private static ServiceAccountTokenProjection lifetime(long seconds) {
        return ServiceAccountTokenProjection.newBuilder()
                .setPath("token")
                .setExpirationSeconds(seconds)
                .build();
    }

    private void at(Duration sinceT0) {
        clock.set(T0.plus(sinceT0));
    }

    private static Instant issuedAt(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet().getIssueTime().toInstant();
    }

    @Test
    void aTokenIsKeptUntilEightyPercentOfItsLifetime() throws Exception {
        ServiceAccountTokenProjection p = lifetime(3607); // the admission's kube-api-access token
        String first = tokens.token(POD, p, "sa-uid", null);
        assertThat(issuedAt(first)).isEqualTo(T0);

        at(Duration.ofMinutes(1));
        assertThat(tokens.token(POD, p, "sa-uid", first))
                .as("a sync a minute later")
                .isEqualTo(first);
        // 80 % of 3,607 s is 2,885.6 s; the jitter may bring the renewal up to 10 s earlier
        at(Duration.ofSeconds(2875));
        assertThat(tokens.token(POD, p, "sa-uid", first))
                .as("before the earliest renewal")
                .isEqualTo(first);

        at(Duration.ofSeconds(2886));
        String renewed = tokens.token(POD, p, "sa-uid", first);
        assertThat(renewed).as("past 80 % of the lifetime").isNotEqualTo(first);
        assertThat(issuedAt(renewed)).isEqualTo(T0.plusSeconds(2886));
        at(Duration.ofSeconds(2946));
        assertThat(tokens.token(POD, p, "sa-uid", renewed))
                .as("the renewed one is kept")
                .isEqualTo(renewed);
    }

    @Test
    void aLongLivedTokenIsRenewedAfterADay() {
        ServiceAccountTokenProjection p = lifetime(Duration.ofDays(7).toSeconds());
        String first = tokens.token(POD, p, "sa-uid", null);
        at(Duration.ofHours(24).minusSeconds(11));
        assertThat(tokens.token(POD, p, "sa-uid", first)).as("just under a day").isEqualTo(first);
        at(Duration.ofHours(24).plusSeconds(1));
        assertThat(tokens.token(POD, p, "sa-uid", first)).as("a day old").isNotEqualTo(first);
    }

    @Test
    void aTokenForAnotherAccountUidOrUnreadableIsReplaced() {
        ServiceAccountTokenProjection p = lifetime(3607);
        String minted = tokens.token(POD, p, "", null);
        at(Duration.ofSeconds(30));
        assertThat(tokens.token(POD, p, "", minted)).isEqualTo(minted);
        assertThat(tokens.token(POD, p, "sa-uid", minted))
                .as("minted before the account's uid was known")
                .isNotEqualTo(minted);
        assertThat(tokens.token(POD, p, "sa-uid", "not a token")).isNotEqualTo("not a token");
    }

    @Test
    void unsignedTokensAreTheSameOnEverySync() {
        ServiceAccountTokenProjection p = lifetime(3607);
        String first = ProjectedTokens.UNSIGNED.token(POD, p, "", null);
        assertThat(ProjectedTokens.UNSIGNED.token(POD, p, "", first)).isEqualTo(first);
        assertThat(ProjectedTokens.UNSIGNED.token(POD, p, "", "something else")).isEqualTo(first);
    }
}
