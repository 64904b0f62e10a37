package io.kubelite.store.testing;

import java.util.Arrays;
import java.util.List;

/** An etcd the harness did not start ({@code ETCD_ENDPOINTS}); it can be used, not controlled. */
final class ExternalEtcdCluster implements EtcdCluster {
    private final List<String> endpoints;

    ExternalEtcdCluster(String endpoints) {
        this.endpoints = Arrays.stream(endpoints.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> s.replaceFirst("^https?://", ""))
                .toList();
    }

    @Override
    public List<String> endpoints() {
        return endpoints;
    }

    @Override
    public int size() {
        return endpoints.size();
    }

    @Override
    public boolean isManaged() {
        return false;
    }

    private UnsupportedOperationException unmanaged(String op) {
        return new UnsupportedOperationException(op + " needs an etcd started by the test harness, but ETCD_ENDPOINTS="
                + String.join(",", endpoints) + " points at an external one; use EtcdExtension.managed(...)");
    }

    @Override
    public void kill(int i) {
        throw unmanaged("kill");
    }

    @Override
    public void restart(int i) {
        throw unmanaged("restart");
    }

    @Override
    public void pause(int i) {
        throw unmanaged("pause");
    }

    @Override
    public void resume(int i) {
        throw unmanaged("resume");
    }

    @Override
    public int leaderIndex() {
        throw unmanaged("leaderIndex");
    }

    @Override
    public String etcdctl(String... args) {
        return Etcdctl.run(endpoints, args);
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
