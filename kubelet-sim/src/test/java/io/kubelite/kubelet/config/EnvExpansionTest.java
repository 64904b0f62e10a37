package io.kubelite.kubelet.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** kube's expansion cases (third_party/forked/golang/expansion's tests). */
class EnvExpansionTest {
    private static final Map<String, String> VARS = Map.of("VAR_A", "A", "VAR_B", "B", "VAR_EMPTY", "");

    private static String expand(String s) {
        return EnvExpansion.expand(s, VARS::get);
    }

    @Test
    void kubesCases() {
        assertThat(expand("$(VAR_A)")).isEqualTo("A");
        assertThat(expand("___$(VAR_B)___")).isEqualTo("___B___");
        assertThat(expand("$(VAR_A)-$(VAR_B)")).isEqualTo("A-B");
        assertThat(expand("$(VAR_EMPTY)x")).isEqualTo("x");
        assertThat(expand("$(UNKNOWN)")).isEqualTo("$(UNKNOWN)");
        assertThat(expand("$$(VAR_A)")).isEqualTo("$(VAR_A)");
        assertThat(expand("$$$(VAR_A)")).isEqualTo("$A");
        assertThat(expand("$$$$(VAR_A)")).isEqualTo("$$(VAR_A)");
        assertThat(expand("f000-$$VAR_A")).isEqualTo("f000-$VAR_A");
        assertThat(expand("$VAR_A")).isEqualTo("$VAR_A");
        assertThat(expand("$(VAR_A")).isEqualTo("$(VAR_A");
        assertThat(expand("$()")).isEqualTo("$()");
        assertThat(expand("end$")).isEqualTo("end$");
        assertThat(expand("$(VAR_A)$(VAR_B")).isEqualTo("A$(VAR_B");
    }

    @Test
    void envVarNamesAsKubeValidatesThem() {
        assertThat(ContainerEnvironment.isEnvVarName("A_b-c.d")).isTrue();
        assertThat(ContainerEnvironment.isEnvVarName("1abc")).isFalse();
        assertThat(ContainerEnvironment.isEnvVarName("a b")).isFalse();
        assertThat(ContainerEnvironment.isEnvVarName("..x")).isFalse();
        assertThat(ContainerEnvironment.isEnvVarName(".")).isFalse();
    }
}
