package io.kubelite.kubelet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.EnvVar;
import io.kubelite.api.EnvVarSource;
import io.kubelite.api.ObjectFieldSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DownwardApiTest {
    private static EnvVar fieldRef(String name, String path) {
        return EnvVar.newBuilder()
                .setName(name)
                .setValueFrom(EnvVarSource.newBuilder()
                        .setFieldRef(ObjectFieldSelector.newBuilder()
                                .setApiVersion("v1")
                                .setFieldPath(path)))
                .build();
    }

    @Test
    void fieldRefVariablesTakeThePodsValuesAsAJobsCompletionIndexDoes() {
        Pod pod = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName("work-3-x7k2p")
                        .setUid("uid-1")
                        .putLabels("batch.kubernetes.io/job-completion-index", "3")
                        .putAnnotations("batch.kubernetes.io/job-completion-index", "3"))
                .setSpec(PodSpec.newBuilder().setNodeName("a-node-0").setServiceAccountName("default"))
                .build();
        ContainerRuntime.PodRef ref =
                new ContainerRuntime.PodRef("default", "work-3-x7k2p", "uid-1", "work-3", DownwardApi.fields(pod));
        Container c = Container.newBuilder()
                .setName("work")
                .addEnv(EnvVar.newBuilder().setName("PLAIN").setValue("x"))
                .addEnv(fieldRef("JOB_COMPLETION_INDEX", "metadata.labels['batch.kubernetes.io/job-completion-index']"))
                .addEnv(fieldRef("ANNOTATED", "metadata.annotations['batch.kubernetes.io/job-completion-index']"))
                .addEnv(fieldRef("POD_NAME", "metadata.name"))
                .addEnv(fieldRef("POD_NAMESPACE", "metadata.namespace"))
                .addEnv(fieldRef("NODE", "spec.nodeName"))
                .addEnv(fieldRef("MISSING", "metadata.labels['nope']"))
                .addEnv(fieldRef("POD_IP", "status.podIP"))
                .build();
        Map<String, String> env = ContainerRuntime.environment(ref, c);
        assertThat(env)
                .containsEntry("PLAIN", "x")
                .containsEntry("JOB_COMPLETION_INDEX", "3")
                .containsEntry("ANNOTATED", "3")
                .containsEntry("POD_NAME", "work-3-x7k2p")
                .containsEntry("POD_NAMESPACE", "default")
                .containsEntry("NODE", "a-node-0")
                .containsEntry("MISSING", "")
                .containsEntry("POD_IP", "")
                .containsEntry("HOSTNAME", "work-3");
    }

    @Test
    void aPodRefWithoutFieldValuesResolvesEveryFieldRefToEmpty() {
        Map<String, String> env = ContainerRuntime.environment(
                new ContainerRuntime.PodRef("default", "web", "uid-1", "web"),
                Container.newBuilder()
                        .setName("app")
                        .addEnv(fieldRef("POD_NAME", "metadata.name"))
                        .build());
        assertThat(env).containsEntry("POD_NAME", "");
    }
}
