package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.kubelite.api.ApiJson;
import io.kubelite.api.PodStatus;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.pod.PodKind;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl get} against kubelite prints what it prints against a real cluster: the
 * server-side Table of every kind (its columns, {@code -o wide}, {@code --show-labels},
 * selectors, {@code -A}, {@code -w}) and {@code kubectl events}. Objects are written straight
 * to the store with the states a real cluster shows (no kubelet here), created days ago so
 * that their ages do not tick during the test. The expected texts are kubectl's own layout.
 */
class KubectlGetTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    /** 10 days ago: AGE prints "10d" for a whole day. */
    static final String CREATED = NOW.minus(Duration.ofDays(10)).toString();

    @BeforeAll
    static void start() throws Exception {
        seed();
    }

    @Test
    void getPodsPrintsEachStateAsAClusterDoes() {
        assertThat(kubectl.run("get", "pods").ok()).isEqualTo("""
                        NAME        READY   STATUS             RESTARTS     AGE
                        crash       0/1     CrashLoopBackOff   5 (3d ago)   10d
                        done        0/1     Completed          0            10d
                        init        0/1     Init:0/2           0            10d
                        leaving     1/1     Terminating        0            10d
                        web-ready   1/1     Running            0            10d
                        """);
        assertThat(kubectl.run("get", "pods", "-o", "wide").ok()).isEqualTo("""
                        NAME        READY   STATUS             RESTARTS     AGE   IP           NODE     NOMINATED NODE   READINESS GATES
                        crash       0/1     CrashLoopBackOff   5 (3d ago)   10d   10.244.2.7   node-2   <none>           <none>
                        done        0/1     Completed          0            10d   <none>       node-2   <none>           <none>
                        init        0/1     Init:0/2           0            10d   <none>       node-1   <none>           <none>
                        leaving     1/1     Terminating        0            10d   10.244.1.9   node-1   <none>           <none>
                        web-ready   1/1     Running            0            10d   10.244.1.5   node-1   <none>           <none>
                        """);
        assertThat(kubectl.run("get", "pod", "web-ready").ok()).isEqualTo("""
                        NAME        READY   STATUS    RESTARTS   AGE
                        web-ready   1/1     Running   0          10d
                        """);
    }

    @Test
    void labelsSelectorsAndAllNamespacesComeFromTheRowsMetadata() {
        assertThat(kubectl.run("get", "pods", "--show-labels").ok()).isEqualTo("""
                        NAME        READY   STATUS             RESTARTS     AGE   LABELS
                        crash       0/1     CrashLoopBackOff   5 (3d ago)   10d   app=crash
                        done        0/1     Completed          0            10d   <none>
                        init        0/1     Init:0/2           0            10d   app=web
                        leaving     1/1     Terminating        0            10d   app=web
                        web-ready   1/1     Running            0            10d   app=web
                        """);
        assertThat(kubectl.run("get", "pods", "-l", "app=web").ok()).isEqualTo("""
                        NAME        READY   STATUS        RESTARTS   AGE
                        init        0/1     Init:0/2      0          10d
                        leaving     1/1     Terminating   0          10d
                        web-ready   1/1     Running       0          10d
                        """);
        assertThat(kubectl.run("get", "pods", "--field-selector", "status.phase=Running")
                        .ok())
                .isEqualTo("""
                        NAME        READY   STATUS             RESTARTS     AGE
                        crash       0/1     CrashLoopBackOff   5 (3d ago)   10d
                        leaving     1/1     Terminating        0            10d
                        web-ready   1/1     Running            0            10d
                        """);
        // the watch test's namespace comes and goes: leave it out
        assertThat(kubectl.run("get", "pods", "-A", "--field-selector", "metadata.namespace!=watched")
                        .ok())
                .isEqualTo("""
                        NAMESPACE   NAME        READY   STATUS             RESTARTS     AGE
                        default     crash       0/1     CrashLoopBackOff   5 (3d ago)   10d
                        default     done        0/1     Completed          0            10d
                        default     init        0/1     Init:0/2           0            10d
                        default     leaving     1/1     Terminating        0            10d
                        default     web-ready   1/1     Running            0            10d
                        team-a      elsewhere   0/1     Pending            0            10d
                        """);
    }

    @Test
    void getNodesShowsSchedulingDisabledRolesAndWideColumns() {
        assertThat(kubectl.run("get", "nodes").ok()).isEqualTo("""
                        NAME     STATUS                     ROLES           AGE   VERSION
                        node-1   Ready,SchedulingDisabled   control-plane   10d   v1.32.0
                        node-2   NotReady                   <none>          10d   v1.32.0
                        """);
        assertThat(kubectl.run("get", "nodes", "-o", "wide").ok()).isEqualTo("""
                        NAME     STATUS                     ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE    KERNEL-VERSION   CONTAINER-RUNTIME
                        node-1   Ready,SchedulingDisabled   control-plane   10d   v1.32.0   10.0.0.1      <none>        kubelite    6.1.0            kubelite://0.1
                        node-2   NotReady                   <none>          10d   v1.32.0   10.0.0.2      <none>        <unknown>   <unknown>        <unknown>
                        """);
    }

    @Test
    void eventsThroughGetAndThroughKubectlEvents() {
        assertThat(kubectl.run("get", "events").ok()).isEqualTo("""
                        LAST SEEN   TYPE      REASON      OBJECT          MESSAGE
                        3d          Warning   BackOff     pod/crash       Back-off restarting failed container c in pod crash_default
                        3d          Normal    Scheduled   pod/init        Successfully assigned default/init to node-1
                        10d         Normal    Started     pod/web-ready   Started container c
                        """);
        assertThat(kubectl.run("get", "events", "-o", "wide").ok()).isEqualTo("""
                        LAST SEEN   TYPE      REASON      OBJECT          SUBOBJECT            SOURCE                             MESSAGE                                                       FIRST SEEN   COUNT   NAME
                        3d          Warning   BackOff     pod/crash                            kubelet, node-2                    Back-off restarting failed container c in pod crash_default   10d          7       crash.2
                        3d          Normal    Scheduled   pod/init                             default-scheduler, scheduler-one   Successfully assigned default/init to node-1                  3d           1       init.3
                        10d         Normal    Started     pod/web-ready   spec.containers{c}   kubelet, node-1                    Started container c                                           10d          1       web-ready.1
                        """);
        // kubectl events reads the objects' own JSON: eventTime is a MicroTime it parses strictly
        assertThat(kubectl.run("events").ok()).isEqualTo("""
                        LAST SEEN          TYPE      REASON      OBJECT          MESSAGE
                        10d                Normal    Started     Pod/web-ready   Started container c
                        3d (x7 over 10d)   Warning   BackOff     Pod/crash       Back-off restarting failed container c in pod crash_default
                        3d                 Normal    Scheduled   Pod/init        Successfully assigned default/init to node-1
                        """);
    }

    @Test
    void everyOtherKindPrintsItsColumns() {
        // the API server's own default/kubernetes Service and Endpoints are left out (their age is now)
        String notKubernetes = "metadata.name!=kubernetes";
        assertThat(kubectl.run("get", "rs,leases,svc,ep,sa,secrets", "--field-selector", notKubernetes)
                        .ok())
                .isEqualTo("""
                        NAME                  DESIRED   CURRENT   READY   AGE
                        replicaset.apps/web   3         3         2       10d

                        NAME                               HOLDER   AGE
                        lease.coordination.k8s.io/free              10d
                        lease.coordination.k8s.io/node-1   node-1   10d

                        NAME          TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                AGE
                        service/web   ClusterIP   10.96.0.10   <none>        80/TCP,443:30443/TCP   10d

                        NAME            ENDPOINTS                         AGE
                        endpoints/web   10.244.1.5:8080,10.244.1.9:8080   10d

                        NAME                     SECRETS   AGE
                        serviceaccount/builder   1         10d

                        NAME           TYPE     DATA   AGE
                        secret/creds   Opaque   2      10d
                        """);
        assertThat(kubectl.run("get", "rs", "-o", "wide").ok()).isEqualTo("""
                        NAME   DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES          SELECTOR
                        web    3         3         2       10d   c,side       nginx,busybox   app=web
                        """);
        assertThat(kubectl.run("get", "svc", "-o", "wide", "--field-selector", notKubernetes)
                        .ok())
                .isEqualTo("""
                        NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                AGE   SELECTOR
                        web    ClusterIP   10.96.0.10   <none>        80/TCP,443:30443/TCP   10d   app=web
                        """);
        assertThat(kubectl.run("get", "ns", "team-a").ok()).isEqualTo("""
                        NAME     STATUS   AGE
                        team-a   Active   10d
                        """);
    }

    @Test
    void getPodsWatchPrintsTheChangedRow() throws Exception {
        create("pods", """
                metadata: {name: w1, namespace: watched, creationTimestamp: %1$s}
                spec: {containers: [{name: c, image: nginx}]}
                status: {phase: Pending}
                """);
        try (Kubectl.Background w = kubectl.start("get", "pods", "-n", "watched", "-w")) {
            w.awaitLine(l -> l.startsWith("NAME "), Duration.ofSeconds(20));
            assertThat(cells(w.awaitLine(l -> l.startsWith("w1 "), Duration.ofSeconds(20))))
                    .containsExactly("w1", "0/1", "Pending", "0", "10d");
            CLUSTER.store()
                    .of(PodKind.RESOURCE)
                    .guaranteedUpdate(
                            "watched",
                            "w1",
                            p -> p.toBuilder()
                                    .setStatus(ApiJson.parse("""
                                            phase: Running
                                            conditions: [{type: Ready, status: "True"}]
                                            containerStatuses: [{name: c, ready: true, state: {running: {}}}]
                                            """, PodStatus.getDefaultInstance())
                                            .message())
                                    .build())
                    .get();
            assertThat(cells(w.awaitLine(l -> l.contains("Running"), Duration.ofSeconds(20))))
                    .containsExactly("w1", "1/1", "Running", "0", "10d");
            CLUSTER.store().of(PodKind.RESOURCE).delete("watched", "w1").get();
            // a deleted pod's last row, as kubectl prints a DELETED event
            assertThat(cells(w.awaitLine(l -> l.startsWith("w1 ") && w.seen().size() > 3, Duration.ofSeconds(20))))
                    .containsExactly("w1", "1/1", "Running", "0", "10d");
        }
    }

    private static List<String> cells(String line) {
        return List.of(line.trim().split("\\s{2,}"));
    }

    static void seed() throws Exception {
        create("pods", """
                metadata: {name: web-ready, namespace: default, labels: {app: web}, creationTimestamp: %1$s}
                spec: {nodeName: node-1, containers: [{name: c, image: nginx}]}
                status:
                  phase: Running
                  podIP: 10.244.1.5
                  podIPs: [{ip: 10.244.1.5}]
                  conditions: [{type: Ready, status: "True"}]
                  containerStatuses: [{name: c, ready: true, state: {running: {startedAt: %1$s}}}]
                """);
        create("pods", """
                metadata: {name: crash, namespace: default, labels: {app: crash}, creationTimestamp: %1$s}
                spec: {nodeName: node-2, containers: [{name: c, image: busybox}]}
                status:
                  phase: Running
                  podIP: 10.244.2.7
                  podIPs: [{ip: 10.244.2.7}]
                  containerStatuses:
                  - name: c
                    restartCount: 5
                    state: {waiting: {reason: CrashLoopBackOff}}
                    lastState: {terminated: {exitCode: 1, reason: Error, finishedAt: %2$s}}
                """);
        create("pods", """
                metadata: {name: init, namespace: default, labels: {app: web}, creationTimestamp: %1$s}
                spec:
                  nodeName: node-1
                  initContainers: [{name: one, image: busybox}, {name: two, image: busybox}]
                  containers: [{name: c, image: nginx}]
                status:
                  phase: Pending
                  initContainerStatuses:
                  - {name: one, state: {running: {startedAt: %1$s}}}
                  - {name: two, state: {waiting: {reason: PodInitializing}}}
                  containerStatuses: [{name: c, state: {waiting: {reason: PodInitializing}}}]
                """);
        create("pods", """
                metadata: {name: done, namespace: default, creationTimestamp: %1$s}
                spec: {nodeName: node-2, restartPolicy: Never, containers: [{name: c, image: busybox}]}
                status:
                  phase: Succeeded
                  containerStatuses: [{name: c, state: {terminated: {exitCode: 0, reason: Completed}}}]
                """);
        create("pods", """
                metadata:
                  name: leaving
                  namespace: default
                  labels: {app: web}
                  creationTimestamp: %1$s
                  deletionTimestamp: %2$s
                  deletionGracePeriodSeconds: 30
                spec: {nodeName: node-1, containers: [{name: c, image: nginx}]}
                status:
                  phase: Running
                  podIP: 10.244.1.9
                  podIPs: [{ip: 10.244.1.9}]
                  conditions: [{type: Ready, status: "True"}]
                  containerStatuses: [{name: c, ready: true, state: {running: {startedAt: %1$s}}}]
                """);
        create("pods", """
                metadata: {name: elsewhere, namespace: team-a, creationTimestamp: %1$s}
                spec: {containers: [{name: c, image: nginx}]}
                status: {phase: Pending}
                """);
        create("nodes", """
                metadata:
                  name: node-1
                  creationTimestamp: %1$s
                  labels: {node-role.kubernetes.io/control-plane: "", kubernetes.io/hostname: node-1}
                spec: {unschedulable: true}
                status:
                  conditions: [{type: Ready, status: "True"}]
                  addresses: [{type: InternalIP, address: 10.0.0.1}, {type: Hostname, address: node-1}]
                  nodeInfo:
                    kubeletVersion: v1.32.0
                    osImage: kubelite
                    kernelVersion: 6.1.0
                    containerRuntimeVersion: kubelite://0.1
                """);
        create("nodes", """
                metadata: {name: node-2, creationTimestamp: %1$s}
                status:
                  conditions: [{type: Ready, status: Unknown}]
                  addresses: [{type: InternalIP, address: 10.0.0.2}]
                  nodeInfo: {kubeletVersion: v1.32.0}
                """);
        create("events", """
                metadata: {name: web-ready.1, namespace: default, creationTimestamp: %1$s}
                involvedObject: {kind: Pod, namespace: default, name: web-ready, fieldPath: "spec.containers{c}"}
                reason: Started
                message: Started container c
                source: {component: kubelet, host: node-1}
                firstTimestamp: %1$s
                lastTimestamp: %1$s
                count: 1
                type: Normal
                eventTime: null
                """);
        create("events", """
                metadata: {name: crash.2, namespace: default, creationTimestamp: %1$s}
                involvedObject: {kind: Pod, namespace: default, name: crash}
                reason: BackOff
                message: Back-off restarting failed container c in pod crash_default
                source: {component: kubelet, host: node-2}
                firstTimestamp: %1$s
                lastTimestamp: %2$s
                count: 7
                type: Warning
                """);
        create("events", """
                metadata: {name: init.3, namespace: default, creationTimestamp: %2$s}
                involvedObject: {kind: Pod, namespace: default, name: init}
                reason: Scheduled
                message: Successfully assigned default/init to node-1
                type: Normal
                eventTime: "%3$s"
                action: Binding
                reportingComponent: default-scheduler
                reportingInstance: scheduler-one
                """);
        create("replicasets", """
                metadata: {name: web, namespace: default, creationTimestamp: %1$s}
                spec:
                  replicas: 3
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: c, image: nginx}, {name: side, image: busybox}]}
                status: {replicas: 3, readyReplicas: 2}
                """);
        create("leases", """
                metadata: {name: node-1, namespace: default, creationTimestamp: %1$s}
                spec: {holderIdentity: node-1, leaseDurationSeconds: 40, renewTime: "%2$s"}
                """);
        create("leases", """
                metadata: {name: free, namespace: default, creationTimestamp: %1$s}
                spec: {leaseDurationSeconds: 15}
                """);
        create("services", """
                metadata: {name: web, namespace: default, creationTimestamp: %1$s}
                spec:
                  type: ClusterIP
                  clusterIP: 10.96.0.10
                  clusterIPs: [10.96.0.10]
                  selector: {app: web}
                  ports: [{port: 80, protocol: TCP, targetPort: 8080}, {name: np, port: 443, nodePort: 30443, protocol: TCP}]
                """);
        create("endpoints", """
                metadata: {name: web, namespace: default, creationTimestamp: %1$s}
                subsets: [{addresses: [{ip: 10.244.1.5}, {ip: 10.244.1.9}], ports: [{port: 8080}]}]
                """);
        create("serviceaccounts", """
                metadata: {name: builder, namespace: default, creationTimestamp: %1$s}
                secrets: [{name: builder-token}]
                """);
        create("secrets", """
                metadata: {name: creds, namespace: default, creationTimestamp: %1$s}
                type: Opaque
                data: {user: YWRtaW4=, pass: c2VjcmV0}
                """);
        create("namespaces", """
                metadata: {name: team-a, creationTimestamp: %1$s}
                spec: {finalizers: [kubernetes]}
                status: {phase: Active}
                """);
    }

    /**
     * Writes {@code yaml} straight to the store: its %1$s is 10 days ago, %2$s 3 days ago, %3$s
     * 3 days ago with nanoseconds (a MicroTime must print it with six digits).
     */
    static void create(String plural, String yaml) throws Exception {
        createIn(Kinds.find(plural).orElseThrow(), yaml);
    }

    private static <T extends Message> void createIn(Resource<T> r, String yaml) throws Exception {
        Instant threeDays = NOW.minus(Duration.ofDays(3));
        String text = yaml.formatted(
                CREATED, threeDays.toString(), threeDays.plusNanos(20_499_858).toString());
        T obj = ApiJson.parse(text, r.prototype()).message();
        CLUSTER.store().of(r).create(obj).get();
    }
}
