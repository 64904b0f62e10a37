package io.kubelite.store.testing;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A single etcd member in a Docker container, for machines with a Docker engine but no
 * etcd binary. The image is {@code ETCD_IMAGE} (default the upstream etcd image). The
 * host port is fixed at creation so a killed and restarted container keeps its endpoint.
 */
final class ContainerEtcdCluster implements EtcdCluster {
    static final String DEFAULT_IMAGE = "gcr.io/etcd-development/etcd:v3.5.17";

    private final GenericContainer<?> container;
    private final int hostPort;
    private boolean closed;

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @SuppressWarnings("resource")
    ContainerEtcdCluster() {
        String image = System.getenv().getOrDefault("ETCD_IMAGE", DEFAULT_IMAGE);
        hostPort = FreePorts.next();
        container = new GenericContainer<>(DockerImageName.parse(image))
                .withExposedPorts(2379)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withPortBindings(new PortBinding(
                                Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), ExposedPort.tcp(2379))))
                .withCommand(
                        "etcd",
                        "--name",
                        "m0",
                        "--data-dir",
                        "/var/lib/etcd",
                        "--listen-client-urls",
                        "http://0.0.0.0:2379",
                        "--advertise-client-urls",
                        "http://127.0.0.1:" + hostPort,
                        "--experimental-watch-progress-notify-interval",
                        "2s")
                .waitingFor(Wait.forHttp("/health").forPort(2379).withStartupTimeout(Duration.ofSeconds(60)));
        container.start();
    }

    @Override
    public List<String> endpoints() {
        return List.of("127.0.0.1:" + hostPort);
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public boolean isManaged() {
        return true;
    }

    private void check(int i) {
        if (i != 0) {
            throw new IndexOutOfBoundsException("container etcd has one member, asked for " + i);
        }
    }

    @Override
    public void kill(int i) {
        check(i);
        container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void restart(int i) {
        check(i);
        container
                .getDockerClient()
                .startContainerCmd(container.getContainerId())
                .exec();
        Poll.until(Duration.ofSeconds(30), "etcd container answering /health", () -> {
            try {
                etcdctl("endpoint", "health");
                return true;
            } catch (AssertionError e) {
                return false;
            }
        });
    }

    @Override
    public void pause(int i) {
        check(i);
        container
                .getDockerClient()
                .pauseContainerCmd(container.getContainerId())
                .exec();
    }

    @Override
    public void resume(int i) {
        check(i);
        container
                .getDockerClient()
                .unpauseContainerCmd(container.getContainerId())
                .exec();
    }

    @Override
    public int leaderIndex() {
        return 0;
    }

    @Override
    public String etcdctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=127.0.0.1:2379", "--command-timeout=5s"));
        cmd.addAll(List.of(args));
        try {
            ExecResult r = container.execInContainer(cmd.toArray(String[]::new));
            if (r.getExitCode() != 0) {
                throw new AssertionError(cmd + " exited " + r.getExitCode() + ": " + r.getStderr());
            }
            return r.getStdout();
        } catch (IOException e) {
            throw new AssertionError("etcdctl in container failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        container.stop();
    }
}
