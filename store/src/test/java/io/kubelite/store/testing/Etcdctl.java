package io.kubelite.store.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the etcdctl binary (v3 API) against a set of endpoints. */
final class Etcdctl {
    private Etcdctl() {
    }

    static String run(List<String> endpoints, String... args) {
        Path ctl = EtcdBinary.etcdctl().orElseThrow(() ->
                new AssertionError("etcdctl not found: install etcd-client (apt-get install etcd-client) or set ETCDCTL_BIN"));
        List<String> cmd = new ArrayList<>();
        cmd.add(ctl.toString());
        cmd.add("--endpoints=" + String.join(",", endpoints));
        cmd.add("--command-timeout=5s");
        cmd.addAll(List.of(args));
        return ProcessEtcdCluster.run(cmd);
    }

    static long revision(String endpointStatusJson) {
        Matcher m = Pattern.compile("\"revision\":(\\d+)").matcher(endpointStatusJson);
        if (!m.find()) {
            throw new AssertionError("cannot read revision from etcdctl output: " + endpointStatusJson);
        }
        return Long.parseLong(m.group(1));
    }
}
