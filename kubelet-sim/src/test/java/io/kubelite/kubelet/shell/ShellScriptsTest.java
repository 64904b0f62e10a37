package io.kubelite.kubelet.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShellScriptsTest {
    @Test
    void programsRunningTheSameScriptShareItsTree() {
        ShellScripts scripts = new ShellScripts();
        ShellAst.Node a = scripts.parse("touch /tmp/x; sleep 86400");
        assertThat(scripts.parse("touch /tmp/x; sleep 86400"))
                .isSameAs(a)
                .isEqualTo(ShellParser.parse("touch /tmp/x; sleep 86400"));
        assertThat(scripts.parse("sleep 1")).isNotEqualTo(a);
    }

    @Test
    void aScriptThatDoesNotParseFailsEveryTime() {
        ShellScripts scripts = new ShellScripts();
        assertThatThrownBy(() -> scripts.parse("echo 'open")).isInstanceOf(ShellSyntaxException.class);
        assertThatThrownBy(() -> scripts.parse("echo 'open")).isInstanceOf(ShellSyntaxException.class);
    }

    @Test
    void unsharedParsesAnew() {
        ShellAst.Node a = ShellScripts.UNSHARED.parse("sleep 1");
        assertThat(ShellScripts.UNSHARED.parse("sleep 1")).isNotSameAs(a).isEqualTo(a);
    }
}
