package io.kubelite.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KubeProxyMainTest {
    @Test
    void clusterCidrMustBeAnIpv4Cidr() {
        assertThat(KubeProxyMain.isIpv4Cidr("10.244.0.0/16")).isTrue();
        assertThat(KubeProxyMain.isIpv4Cidr("10.0.0.0/0")).isTrue();
        assertThat(KubeProxyMain.isIpv4Cidr("999.1.1.1/8")).isFalse();
        assertThat(KubeProxyMain.isIpv4Cidr("10.0.0.0/33")).isFalse();
        assertThat(KubeProxyMain.isIpv4Cidr("10.0.0.0")).isFalse();
    }

    @Test
    void badFlagsExitTwoBeforeTouchingEtcd() {
        var cl = new CommandLine(new KubeProxyMain());
        cl.setErr(new PrintWriter(new StringWriter()));
        assertThat(cl.execute("--cluster-cidr", "10.0.0.0/40")).isEqualTo(2);
        assertThat(cl.execute("--rules-port", "70000")).isEqualTo(2);
    }
}
