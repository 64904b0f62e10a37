package io.kubelite.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a user reads when an etcd call fails: one line, and a hint when the endpoint is not etcd at all. */
class EtcdErrorDescriptionTest {
    @Test
    void anHttpAnswerIsExplainedNotDumped() {
        // what grpc-java reported for --etcd-endpoints pointing at kubelite's API server
        String grpc = "HTTP status code 401\ninvalid content-type: application/json\n"
                + "headers: Metadata(:status=401,content-type=application/json,content-length=128)\n"
                + "DATA-----------------------------\n{\"kind\":\"Status\",\"code\":401}";
        assertThat(Etcd.describe(grpc))
                .isEqualTo(
                        "the endpoint answered with plain HTTP (status 401), not etcd's gRPC API: is it an etcd client URL?");
        assertThat(Etcd.describe("missing content-type in response headers\ntrailers: Metadata(:status=404)"))
                .isEqualTo("the endpoint answered with plain HTTP, not etcd's gRPC API: is it an etcd client URL?");
    }

    @Test
    void otherDescriptionsKeepTheirFirstLine() {
        assertThat(Etcd.describe("etcdserver: leader changed")).isEqualTo("etcdserver: leader changed");
        assertThat(Etcd.describe("io exception\nmore detail")).isEqualTo("io exception");
    }
}
