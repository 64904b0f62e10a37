package io.kubelite.kinds.apiregistration.apiservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kubelite.api.APIService;
import io.kubelite.api.APIServiceCondition;
import io.kubelite.api.APIServiceReference;
import io.kubelite.api.APIServiceSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.table.Column;
import io.kubelite.kinds.validation.FieldErrors;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The APIService kind as pure functions: kube-aggregator's defaulting, validation messages and table cells. */
class APIServiceKindTest {

    static APIService remote(String name, String group, String version) {
        return APIService.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name))
                .setSpec(APIServiceSpec.newBuilder()
                        .setGroup(group)
                        .setVersion(version)
                        .setGroupPriorityMinimum(100)
                        .setVersionPriority(100)
                        .setInsecureSkipTlsVerify(true)
                        .setService(APIServiceReference.newBuilder()
                                .setNamespace("kube-system")
                                .setName("metrics-server")))
                .build();
    }

    static List<String> errors(APIService a) {
        var s = APIServiceKind.KIND.strategy();
        FieldErrors errs = new FieldErrors();
        s.validate(s.prepareForCreate(s.defaults(a)), errs);
        return errs.list().stream().map(e -> e.field() + ": " + e.message()).toList();
    }

    @Test
    void aValidRemoteOneGetsPort443AndNoStatus() {
        APIService a = remote("v1beta1.metrics.k8s.io", "metrics.k8s.io", "v1beta1").toBuilder()
                .setStatus(io.kubelite.api.APIServiceStatus.newBuilder()
                        .addConditions(APIServiceCondition.newBuilder()
                                .setType("Available")
                                .setStatus("True")))
                .build();
        var s = APIServiceKind.KIND.strategy();
        APIService created = s.prepareForCreate(s.defaults(a));
        assertThat(created.getSpec().getService().getPort()).isEqualTo(443);
        assertThat(created.hasStatus()).as("status is the server's").isFalse();
        assertThat(errors(a)).isEmpty();
    }

    @Test
    void kubesMessages() {
        assertThat(errors(remote("v1.wrong.io", "metrics.k8s.io", "v1")))
                .containsExactly("metadata.name: Invalid value: \"v1.wrong.io\": must be"
                        + " `spec.version+\".\"+spec.group`: \"v1.metrics.k8s.io\"");
        assertThat(errors(remote("v2.", "", "v2")))
                .contains("spec.group: Required value: only v1 may have an empty group and it better be legacy kube");
        assertThat(errors(remote("V1.Foo.io", "Foo.io", "V1")))
                .anyMatch(e -> e.startsWith("spec.group: Invalid value: \"Foo.io\": a lowercase RFC 1123 subdomain"))
                .anyMatch(e -> e.startsWith("spec.version: Invalid value: \"V1\": a DNS-1035 label"));
        APIService priorities = remote("v1.a.io", "a.io", "v1").toBuilder()
                .setSpec(remote("v1.a.io", "a.io", "v1").getSpec().toBuilder()
                        .setGroupPriorityMinimum(20001)
                        .setVersionPriority(0))
                .build();
        assertThat(errors(priorities))
                .containsExactly(
                        "spec.groupPriorityMinimum: Invalid value: 20001: must be positive and less than 20000",
                        "spec.versionPriority: Invalid value: 0: must be positive and less than 1000");
        APIService service = remote("v1.a.io", "a.io", "v1").toBuilder()
                .setSpec(remote("v1.a.io", "a.io", "v1").getSpec().toBuilder()
                        .setCaBundle(ByteString.copyFromUtf8("pem"))
                        .setService(APIServiceReference.newBuilder().setPort(70000)))
                .build();
        assertThat(errors(service))
                .containsExactly(
                        "spec.service.namespace: Required value",
                        "spec.service.name: Required value",
                        "spec.service.port: Invalid value: 70000: port is not valid: must be between 1 and 65535,"
                                + " inclusive",
                        "spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present");
        APIService local = remote("v1.a.io", "a.io", "v1").toBuilder()
                .setSpec(remote("v1.a.io", "a.io", "v1").getSpec().toBuilder()
                        .clearService()
                        .setCaBundle(ByteString.copyFromUtf8("pem")))
                .build();
        assertThat(errors(local))
                .containsExactly(
                        "spec.caBundle: Invalid value: \"3 bytes\": local APIServices may not have a caBundle",
                        "spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have"
                                + " insecureSkipTLSVerify");
        assertThat(APIServiceKind.KIND.strategy().nameError("a/b")).isEqualTo("may not contain '/'");
        assertThat(errors(remote("v1.", "", "v1"))).isEmpty();
    }

    @Test
    void columnsAreKubeAggregatorsTable() {
        Instant now = Instant.parse("2026-12-05T00:10:00Z");
        APIService a = remote("v1beta1.metrics.k8s.io", "metrics.k8s.io", "v1beta1").toBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("v1beta1.metrics.k8s.io")
                        .setCreationTimestamp(
                                com.google.protobuf.Timestamp.newBuilder().setSeconds(now.getEpochSecond() - 300)))
                .setStatus(io.kubelite.api.APIServiceStatus.newBuilder()
                        .addConditions(APIServiceCondition.newBuilder()
                                .setType("Available")
                                .setStatus("False")
                                .setReason("MissingEndpoints")))
                .build();
        assertThat(APIServiceKind.KIND.columns().stream().map(Column::name))
                .containsExactly("Name", "Service", "Available", "Age");
        assertThat(APIServiceKind.KIND.columns().stream().map(c -> c.text(a, now)))
                .containsExactly(
                        "v1beta1.metrics.k8s.io", "kube-system/metrics-server", "False (MissingEndpoints)", "5m");
        APIService local = a.toBuilder()
                .setSpec(a.getSpec().toBuilder().clearService())
                .clearStatus()
                .build();
        assertThat(APIServiceKind.service(local)).isEqualTo("Local");
        assertThat(APIServiceKind.available(local)).isEqualTo("Unknown");
    }
}
