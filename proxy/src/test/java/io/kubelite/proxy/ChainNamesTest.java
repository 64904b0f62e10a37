package io.kubelite.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChainNamesTest {
    @Test
    void namesMatchKubeProxyGoldenOutput() {
        // from kube's proxier_test.go TestOverallIPTablesRules
        assertThat(ChainNames.cluster("ns1/svc1:p80", "tcp")).isEqualTo("KUBE-SVC-XPGD46QRK7WJZT7O");
        assertThat(ChainNames.endpoint("ns1/svc1:p80", "tcp", "10.180.0.1:80")).isEqualTo("KUBE-SEP-SXIVWICOYRO3J4NJ");
    }

    @Test
    void probabilityIsTenDecimals() {
        assertThat(IptablesRules.probability(3)).isEqualTo("0.3333333333");
        assertThat(IptablesRules.probability(2)).isEqualTo("0.5000000000");
    }
}
