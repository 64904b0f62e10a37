package io.kubelite.apiserver.mirror;

import io.kubelite.api.Pod;
import io.kubelite.apiserver.mirror.EtcdMemberPod.Health;
import io.kubelite.apiserver.mirror.EtcdMemberPod.Member;
import io.kubelite.store.Etcd;
import io.kubelite.store.runtime.mirror.MirrorPodSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The {@code etcd-<member>} mirror pods the API server publishes: on every refresh of the
 * process's mirror pod publisher it lists etcd's members ({@code MemberList}, through the
 * shared connection) and asks each for its {@code Status} ({@link EtcdMemberStatus}); each
 * member gets one pod ({@link EtcdMemberPod}), Ready while it answers in time without errors
 * and with a raft leader. A member that stops answering keeps its pod, NotReady; a member
 * removed from the cluster loses it (the publisher deletes what a source stops naming).
 *
 * <p>Every API server replica publishes the same pods; the publisher leaves a pod on another
 * replica's live lease alone, so each pod has one writer until that replica is gone.
 *
 * <p>{@link #desired()} blocks its caller (the publisher's thread, never an event loop) for
 * at most about twice the status timeout. A failed member list throws, which leaves the pods
 * as they are. After {@link #close()} it throws too, so that a stopping API server never
 * writes its members NotReady because its own status client was closed.
 */
public final class EtcdMemberMirrorPods implements MirrorPodSource, AutoCloseable {
    private static final Duration MAX_STATUS_TIMEOUT = Duration.ofSeconds(2);

    private final Etcd etcd;
    private final String localHost;
    private final EtcdMemberStatus status;
    private volatile boolean closed;

    /**
     * @param etcd          the process's shared connection (members are listed through it)
     * @param localHost     this process's host name: the node of a member on loopback
     * @param statusTimeout how long a member may take to answer; see {@link #statusTimeout(Duration)}
     */
    public EtcdMemberMirrorPods(Etcd etcd, String localHost, Duration statusTimeout) {
        this(etcd, localHost, EtcdMemberStatus.connect(etcd.config().endpoints(), statusTimeout));
    }

    EtcdMemberMirrorPods(Etcd etcd, String localHost, EtcdMemberStatus status) {
        this.etcd = etcd;
        this.localHost = localHost;
        this.status = status;
    }

    /**
     * The status timeout for a publisher whose lease lasts {@code leaseTtl}: a fifth of it, at
     * most 2 s, so that a refresh waiting for silent members still renews the lease in time.
     */
    public static Duration statusTimeout(Duration leaseTtl) {
        Duration fifth = leaseTtl.dividedBy(5);
        return fifth.compareTo(MAX_STATUS_TIMEOUT) < 0 ? fifth : MAX_STATUS_TIMEOUT;
    }

    @Override
    public List<Pod> desired() throws Exception {
        checkOpen();
        List<Member> members = new ArrayList<>();
        etcd.call(
                        "etcd member list",
                        status.timeout(),
                        () -> etcd.client().getClusterClient().listMember())
                .get()
                .getMembers()
                .forEach(m -> members.add(Member.of(m)));
        members.sort(Comparator.comparingLong(Member::id));
        Map<Long, Health> health = status.check(members);
        checkOpen(); // closed meanwhile: the answers may be failures of the closed client
        Map<Long, String> names = EtcdMemberPod.podNames(members);
        List<Pod> pods = new ArrayList<>(members.size());
        for (Member m : members) {
            pods.add(EtcdMemberPod.pod(names.get(m.id()), m, health.get(m.id()), localHost));
        }
        return pods;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("etcd member mirror pods: closed");
        }
    }

    /** Closes the status client; {@link #desired()} throws from now on. Idempotent. */
    @Override
    public void close() {
        closed = true;
        status.close();
    }
}
