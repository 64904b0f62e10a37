package io.kubelite.kinds.core.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ApiJson;
import io.kubelite.api.Pod;
import io.kubelite.kinds.validation.FieldError;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kube's validation and defaults of volumes, volume mounts, env sources, probe and lifecycle
 * handlers (pkg/apis/core/validation, pkg/apis/core/v1/defaults.go): kube-apiserver's field paths
 * and messages, as pure functions.
 */
class PodVolumesAndHandlersTest {
    private static Pod pod(String specJson) {
        return ApiJson.parse(
                        "{\"metadata\": {\"name\": \"p\", \"namespace\": \"default\"}, \"spec\": " + specJson + "}",
                        Pod.getDefaultInstance())
                .message();
    }

    private static List<String> errors(Pod p) {
        return PodKind.KIND.validateCreate(p).stream()
                .map(e -> e.field() + ": " + e.message())
                .toList();
    }

    @Test
    void volumesNeedAUniqueDnsLabelNameAndExactlyOneSource() {
        Pod p = pod("""
                {"containers": [{"name": "c", "image": "busybox"}],
                 "volumes": [
                   {"name": "a", "emptyDir": {}},
                   {"name": "a", "emptyDir": {}},
                   {"name": "Not_A_Label", "emptyDir": {}},
                   {"name": "two", "emptyDir": {}, "secret": {"secretName": "s"}},
                   {"name": "", "hostPath": {"path": "/x"}}]}""");
        // a volume with no source at all is defaulted to emptyDir, as kube does
        assertThat(errors(p))
                .containsExactly(
                        "spec.volumes[1].name: Duplicate value: \"a\"",
                        "spec.volumes[2].name: Invalid value: \"Not_A_Label\": "
                                + Names.dns1123LabelError("Not_A_Label"),
                        "spec.volumes[3].secret: Forbidden: may not specify more than 1 volume type",
                        "spec.volumes[4].name: Required value");
        Pod none = pod("""
                {"containers": [{"name": "c", "image": "busybox"}], "volumes": [{"name": "bare"}]}""");
        assertThat(errors(none)).containsExactly("spec.volumes[0]: Required value: must specify a volume type");
        Pod defaulted = PodKind.KIND.strategy().defaults(none);
        assertThat(defaulted.getSpec().getVolumes(0).hasEmptyDir()).isTrue();
        assertThat(errors(defaulted)).isEmpty();
    }

    @Test
    void kubesSchemeDefaultsFillHandlersAndTheNewPodGetsItsPodOnlyDefaults() {
        Pod p = pod("""
                {"containers": [{"name": "c", "image": "busybox",
                   "resources": {"limits": {"cpu": "1", "memory": "64Mi"}, "requests": {"memory": "32Mi"}},
                   "readinessProbe": {"httpGet": {"port": 80}},
                   "lifecycle": {"preStop": {"httpGet": {"port": 80, "path": "/quit"}}}}]}""");
        Pod d = PodKind.KIND.strategy().defaults(p);
        var c = d.getSpec().getContainers(0);
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/");
        assertThat(c.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTP");
        assertThat(c.getLifecycle().getPreStop().getHttpGet().getPath()).isEqualTo("/quit");
        assertThat(c.getLifecycle().getPreStop().getHttpGet().getScheme()).isEqualTo("HTTP");
        assertThat(d.getSpec().hasSecurityContext())
                .as("kube gives every pod spec, templates too, an empty securityContext")
                .isTrue();
        assertThat(d.getSpec().hasEnableServiceLinks())
                .as("enableServiceLinks is a pod's default, not a template's")
                .isFalse();

        Pod created = PodKind.KIND.strategy().prepareForCreate(d);
        assertThat(created.getSpec().getEnableServiceLinks()).isTrue();
        assertThat(created.getSpec().getContainers(0).getResources().getRequestsMap())
                .as("a limited resource without a request is requested at its limit")
                .containsEntry("cpu", "1")
                .containsEntry("memory", "32Mi");
        assertThat(created.getStatus().getQosClass()).isEqualTo("Burstable");
    }

    @Test
    void fileModesAreDefaultedTo0644AndMustBeAtMost0777() {
        Pod p = pod("""
                {"containers": [{"name": "c", "image": "busybox"}],
                 "volumes": [
                   {"name": "s", "secret": {"secretName": "s"}},
                   {"name": "cm", "configMap": {"name": "c", "defaultMode": 512,
                                                 "items": [{"key": "k", "path": "k", "mode": -1}]}},
                   {"name": "tok", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}}]}""");
        Pod d = PodKind.KIND.strategy().defaults(p);
        assertThat(d.getSpec().getVolumes(0).getSecret().getDefaultMode()).isEqualTo(420);
        assertThat(d.getSpec().getVolumes(1).getConfigMap().getDefaultMode()).isEqualTo(512);
        assertThat(d.getSpec().getVolumes(2).getProjected().getDefaultMode()).isEqualTo(420);
        assertThat(d.getSpec()
                        .getVolumes(2)
                        .getProjected()
                        .getSources(0)
                        .getServiceAccountToken()
                        .getExpirationSeconds())
                .isEqualTo(3600);
        assertThat(errors(d))
                .containsExactly(
                        "spec.volumes[1].configMap.defaultMode: Invalid value: 512: " + PodVolumeValidation.FILE_MODE,
                        "spec.volumes[1].configMap.items[0].mode: Invalid value: -1: " + PodVolumeValidation.FILE_MODE);
    }

    @Test
    void mountsNameAVolumeOfThePodAtAUniquePath() {
        Pod p = pod("""
                {"containers": [{"name": "c", "image": "busybox", "volumeMounts": [
                   {"name": "data", "mountPath": "/data"},
                   {"name": "missing", "mountPath": "/other"},
                   {"name": "data", "mountPath": "/data"},
                   {"name": "data"}]}],
                 "volumes": [{"name": "data", "emptyDir": {}}]}""");
        assertThat(errors(p))
                .containsExactly(
                        "spec.containers[0].volumeMounts[1].name: Not found: \"missing\"",
                        "spec.containers[0].volumeMounts[2].mountPath: Invalid value: \"/data\": must be unique",
                        "spec.containers[0].volumeMounts[3].mountPath: Required value");
    }

    @Test
    void aStatefulSetTemplatesMountsMayNameItsClaimTemplates() {
        Pod p = pod("""
                {"containers": [{"name": "c", "image": "busybox", "volumeMounts": [
                   {"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}""");
        FieldErrors errs = new FieldErrors();
        PodSpecValidation.validateStatefulSetTemplate(p.getSpec(), "spec.template.spec", errs);
        assertThat(errs.list()).isEmpty();
        assertThat(errors(p)).containsExactly("spec.containers[0].volumeMounts[0].name: Not found: \"www\"");
    }

    @Test
    void envValueFromNeedsExactlyOneSourceAndNoValue() {
        Pod p = pod("""
                {"containers": [{"name": "c", "image": "busybox", "env": [
                   {"name": "OK", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                   {"name": "NONE", "valueFrom": {}},
                   {"name": "TWO", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"},
                                                 "secretKeyRef": {"name": "s", "key": "k"}}},
                   {"name": "BOTH", "value": "x", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}]}""");
        assertThat(errors(p))
                .containsExactly(
                        "spec.containers[0].env[1].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`,"
                                + " `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
                        "spec.containers[0].env[2].valueFrom: Invalid value: \"\": may not have more than one field"
                                + " specified at a time",
                        "spec.containers[0].env[3].valueFrom: Invalid value: \"\": may not be specified when `value`"
                                + " is not empty");
    }

    @Test
    void probesAndHooksNeedExactlyOneHandler() {
        Pod p = pod("""
                {"containers": [{"name": "c", "image": "busybox",
                   "livenessProbe": {"periodSeconds": 5},
                   "readinessProbe": {"exec": {"command": ["true"]}, "grpc": {"port": 9090}},
                   "startupProbe": {"grpc": {"port": 9090}},
                   "lifecycle": {"preStop": {"sleep": {"seconds": 5}, "exec": {"command": ["true"]}},
                                 "postStart": {}}}]}""");
        Pod d = PodKind.KIND.strategy().defaults(p);
        assertThat(d.getSpec().getContainers(0).getStartupProbe().getGrpc().hasService())
                .isTrue();
        assertThat(errors(d))
                .containsExactly(
                        "spec.containers[0].livenessProbe: Required value: must specify a handler type",
                        "spec.containers[0].readinessProbe.grpc: Forbidden: may not specify more than 1 handler type",
                        "spec.containers[0].lifecycle.postStart: Required value: must specify a handler type",
                        "spec.containers[0].lifecycle.preStop.sleep: Forbidden: may not specify more than 1 handler"
                                + " type");
        assertThat(PodKind.KIND.validateCreate(d))
                .extracting(FieldError::reason)
                .contains("FieldValueForbidden");
    }

    @Test
    void terminationMessageFieldsAreDefaultedAndThePolicyValidated() {
        Pod p = pod("""
                {"containers": [{"name": "c", "image": "busybox"},
                                {"name": "d", "image": "busybox", "terminationMessagePath": "/tmp/m",
                                 "terminationMessagePolicy": "FallbackToLogsOnError"}],
                 "initContainers": [{"name": "i", "image": "busybox"}],
                 "ephemeralContainers": [{"name": "e", "image": "busybox"}]}""");
        Pod d = PodKind.KIND.strategy().defaults(p);
        assertThat(d.getSpec().getContainers(0).getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(d.getSpec().getContainers(0).getTerminationMessagePolicy()).isEqualTo("File");
        assertThat(d.getSpec().getContainers(1).getTerminationMessagePath()).isEqualTo("/tmp/m");
        assertThat(d.getSpec().getContainers(1).getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
        assertThat(d.getSpec().getInitContainers(0).getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(d.getSpec().getEphemeralContainers(0).getTerminationMessagePath())
                .isEqualTo("/dev/termination-log");
        assertThat(d.getSpec().getEphemeralContainers(0).getTerminationMessagePolicy())
                .isEqualTo("File");

        Pod bad = pod("""
                {"containers": [{"name": "c", "image": "busybox", "terminationMessagePolicy": "Logs"}]}""");
        assertThat(errors(bad))
                .containsExactly("spec.containers[0].terminationMessagePolicy: Unsupported value: \"Logs\": supported"
                        + " values: \"File\", \"FallbackToLogsOnError\"");
    }
}
