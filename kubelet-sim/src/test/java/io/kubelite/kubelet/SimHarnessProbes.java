package io.kubelite.kubelet;

import io.kubelite.api.ExecAction;
import io.kubelite.api.Probe;
import java.util.List;

final class SimHarnessProbes {
    private SimHarnessProbes() {}

    static Probe.Builder exec(String... cmd) {
        return Probe.newBuilder().setExec(ExecAction.newBuilder().addAllCommand(List.of(cmd)));
    }
}
