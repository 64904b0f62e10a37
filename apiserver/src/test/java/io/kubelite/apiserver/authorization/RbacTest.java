package io.kubelite.apiserver.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RBAC as a user meets it on a real cluster: the default roles bound in a namespace (an
 * authorization matrix answered by SubjectAccessReviews, with expectations from kube's documented
 * roles, and a few rows through the real {@code kubectl auth can-i --as}), ClusterRole aggregation
 * by the controller-manager's controller, escalation prevention, impersonation, and kubectl's
 * create/get/describe of the four kinds. One cluster for the class: RBAC mode, a token file, the
 * aggregation controller in process.
 */
class RbacTest {
    static final String RBAC = "/apis/rbac.authorization.k8s.io/v1";
    static final String SAR = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.selfSignedTls()
            .rbac()
            .tokenFile("admin-token,admin,uid-admin,\"system:masters\"\n"
                    + "alice-token,alice,uid-alice\n"
                    + "carol-token,carol,uid-carol\n");

    static InProcessControllerManager controllers;

    @BeforeAll
    static void start() throws Exception {
        controllers = InProcessControllerManager.start(CLUSTER, "rbac-test", "clusterrole-aggregation");
        Kubectl admin = CLUSTER.kubectl("admin-token");
        admin.run("create", "namespace", "team").ok();
        for (String role : List.of("cluster-admin", "admin", "edit", "view")) {
            admin.run(
                            "create",
                            "rolebinding",
                            role + "-user",
                            "--clusterrole=" + role,
                            "--user=" + role + "-user",
                            "-n",
                            "team")
                    .ok();
        }
        // the aggregated roles are filled by the controller: wait until view and admin have rules
        Poll.until(
                Duration.ofSeconds(20),
                "admin, edit and view aggregated",
                () -> List.of("admin", "edit", "view").stream()
                        .map(r -> admin(() -> CLUSTER.api().get(RBAC + "/clusterroles/" + r))
                                .json()
                                .path("rules")
                                .size())
                        .toList(),
                sizes -> sizes.stream().allMatch(n -> n > 0));
    }

    @AfterAll
    static void stop() {
        if (controllers != null) {
            controllers.close();
        }
    }

    private static TestApiServer.Resp admin(java.util.function.Supplier<TestApiServer.Resp> call) {
        CLUSTER.api().withToken("admin-token");
        return call.get();
    }

    private static TestApiServer.Resp as(String token, String method, String path, String body) {
        return CLUSTER.api().withToken(token).request(method, path, "application/json", body);
    }

    /** A SubjectAccessReview for {@code user} (no groups but system:authenticated), asked by the admin. */
    private static boolean allowed(String user, String verb, String group, String resource, String ns, String name) {
        return allowed(user, verb, group, resource, "", ns, name);
    }

    private static boolean allowed(
            String user, String verb, String group, String resource, String sub, String ns, String name) {
        String body = "{\"kind\":\"SubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\",\"spec\":{"
                + "\"user\":\"" + user + "\",\"groups\":[\"system:authenticated\"],\"resourceAttributes\":{"
                + "\"verb\":\"" + verb + "\",\"group\":\"" + group + "\",\"resource\":\"" + resource + "\","
                + "\"subresource\":\"" + sub + "\","
                + "\"namespace\":\"" + ns + "\",\"name\":\"" + name + "\"}}}";
        TestApiServer.Resp r = as("admin-token", "POST", SAR, body);
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        return r.json().path("status").path("allowed").asBoolean();
    }

    /** {@code resource} as kubectl names it: {@code plural[.group][/subresource]}. */
    private record Row(String user, String verb, String resource, String ns, String name, boolean want) {
        private String resourceAndGroup() {
            int slash = resource.indexOf('/');
            return slash < 0 ? resource : resource.substring(0, slash);
        }

        String group() {
            int dot = resourceAndGroup().indexOf('.');
            return dot < 0 ? "" : resourceAndGroup().substring(dot + 1);
        }

        String plural() {
            int dot = resourceAndGroup().indexOf('.');
            return dot < 0 ? resourceAndGroup() : resourceAndGroup().substring(0, dot);
        }

        String subresource() {
            int slash = resource.indexOf('/');
            return slash < 0 ? "" : resource.substring(slash + 1);
        }
    }

    private static Row row(String user, String verb, String resource, boolean want) {
        return new Row(user, verb, resource, "team", "", want);
    }

    @Test
    void defaultRolesBoundInANamespaceGrantWhatKubeDocuments() {
        List<Row> rows = List.of(
                // view: reads, but not secrets, and writes nothing
                row("view-user", "get", "pods", true),
                row("view-user", "list", "deployments.apps", true),
                row("view-user", "get", "pods/log", true),
                row("view-user", "watch", "configmaps", true),
                row("view-user", "get", "secrets", false),
                row("view-user", "create", "pods", false),
                row("view-user", "create", "pods/exec", false),
                row("view-user", "list", "roles.rbac.authorization.k8s.io", false),
                // edit: writes workloads and secrets, never roles or bindings
                row("edit-user", "create", "pods", true),
                row("edit-user", "get", "secrets", true),
                row("edit-user", "delete", "deployments.apps", true),
                row("edit-user", "create", "pods/exec", true),
                row("edit-user", "update", "deployments.apps/scale", true),
                row("edit-user", "create", "roles.rbac.authorization.k8s.io", false),
                row("edit-user", "create", "rolebindings.rbac.authorization.k8s.io", false),
                row("edit-user", "update", "resourcequotas", false),
                // admin: edit plus roles and bindings in the namespace, not its quota or the namespace itself
                row("admin-user", "create", "rolebindings.rbac.authorization.k8s.io", true),
                row("admin-user", "create", "roles.rbac.authorization.k8s.io", true),
                row("admin-user", "create", "localsubjectaccessreviews.authorization.k8s.io", true),
                row("admin-user", "update", "resourcequotas", false),
                row("admin-user", "delete", "namespaces", false),
                new Row("admin-user", "get", "namespaces", "team", "team", true),
                // cluster-admin through a RoleBinding: everything, in the namespace only
                row("cluster-admin-user", "update", "resourcequotas", true),
                row("cluster-admin-user", "delete", "secrets", true),
                new Row("cluster-admin-user", "list", "nodes", "", "", false),
                // nobody's binding reaches another namespace
                new Row("admin-user", "get", "pods", "default", "", false),
                new Row("edit-user", "list", "pods", "", "", false),
                // an unbound user may do nothing with resources
                row("nobody", "get", "pods", false));
        List<String> wrong = new ArrayList<>();
        for (Row r : rows) {
            boolean got = allowed(r.user(), r.verb(), r.group(), r.plural(), r.subresource(), r.ns(), r.name());
            if (got != r.want()) {
                wrong.add(r + " -> allowed=" + got);
            }
        }
        assertThat(wrong).as("rows whose answer is not kube's").isEmpty();
    }

    @Test
    void kubectlAuthCanIAsAnotherUser() {
        Kubectl admin = CLUSTER.kubectl("admin-token");
        assertThat(admin.run("auth", "can-i", "get", "secrets", "-n", "team", "--as=view-user")
                        .out())
                .isEqualTo("no\n");
        assertThat(admin.run("auth", "can-i", "get", "secrets", "-n", "team", "--as=edit-user")
                        .out())
                .isEqualTo("yes\n");
        assertThat(admin.run("auth", "can-i", "create", "rolebindings", "-n", "team", "--as=admin-user")
                        .out())
                .isEqualTo("yes\n");
        assertThat(admin.run("auth", "can-i", "list", "nodes", "--as=someone", "--as-group=system:masters")
                        .out())
                .isEqualTo("yes\n");
        Kubectl.Result denied = admin.run("get", "secrets", "-n", "team", "--as=view-user");
        assertThat(denied.exitCode()).isEqualTo(1);
        assertThat(denied.err())
                .isEqualTo("Error from server (Forbidden): secrets is forbidden: User \"view-user\" cannot list"
                        + " resource \"secrets\" in API group \"\" in the namespace \"team\"\n");
        assertThat(admin.run("get", "pods", "-n", "team", "--as=view-user").exitCode())
                .isZero();
    }

    @Test
    void aClusterRoleLabelledAggregateToViewShowsUpInViewEditAndAdmin() {
        Kubectl admin = CLUSTER.kubectl("admin-token");
        String manifest = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n"
                + "  name: widgets-view\n  labels:\n    rbac.authorization.k8s.io/aggregate-to-view: \"true\"\n"
                + "rules:\n- apiGroups: [\"example.com\"]\n  resources: [\"widgets\"]\n  verbs: [\"get\", \"list\"]\n";
        admin.run(manifest, Map.of(), "apply", "-f", "-").ok();
        for (String role : List.of("view", "edit", "admin")) {
            Poll.until(
                    Duration.ofSeconds(20),
                    "widgets rule aggregated into " + role,
                    () -> admin(() -> CLUSTER.api().get(RBAC + "/clusterroles/" + role))
                            .json()
                            .path("rules")
                            .toString(),
                    rules -> rules.contains("\"widgets\""));
        }
        Poll.until(
                Duration.ofSeconds(10),
                "view-user may list widgets",
                () -> allowed("view-user", "list", "example.com", "widgets", "team", ""),
                ok -> ok);
    }

    @Test
    void rolesAndBindingsMayNotGrantWhatTheWriterDoesNotHold() {
        // alice may write roles and bindings in team, and read pods there
        Kubectl admin = CLUSTER.kubectl("admin-token");
        admin.run(
                        "create",
                        "role",
                        "rbac-writer",
                        "--verb=create,update,get",
                        "--resource=roles,rolebindings",
                        "-n",
                        "team")
                .ok();
        admin.run("create", "role", "pod-reader", "--verb=get,list", "--resource=pods", "-n", "team")
                .ok();
        admin.run("create", "rolebinding", "alice-rbac", "--role=rbac-writer", "--user=alice", "-n", "team")
                .ok();
        admin.run("create", "rolebinding", "alice-pods", "--role=pod-reader", "--user=alice", "-n", "team")
                .ok();
        String held = "{\"metadata\":{\"name\":\"pods-get\"},\"rules\":[{\"apiGroups\":[\"\"],"
                + "\"resources\":[\"pods\"],\"verbs\":[\"get\"]}]}";
        Poll.until(
                Duration.ofSeconds(10),
                "alice's bindings in effect",
                () -> as("alice-token", "POST", RBAC + "/namespaces/team/roles", held)
                        .code(),
                code -> code == 201);

        String secrets = "{\"metadata\":{\"name\":\"secret-reader\"},\"rules\":[{\"apiGroups\":[\"\"],"
                + "\"resources\":[\"secrets\"],\"verbs\":[\"get\",\"list\"]}]}";
        TestApiServer.Resp escalating = as("alice-token", "POST", RBAC + "/namespaces/team/roles", secrets);
        assertThat(escalating.code()).as(escalating.body()).isEqualTo(403);
        assertThat(escalating.json().path("message").asText())
                .isEqualTo("roles.rbac.authorization.k8s.io \"secret-reader\" is forbidden: user \"alice\""
                        + " (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently"
                        + " held:\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\"]}");

        String bindView = "{\"metadata\":{\"name\":\"carol-view\"},\"roleRef\":{\"apiGroup\":"
                + "\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"view\"},"
                + "\"subjects\":[{\"kind\":\"User\",\"name\":\"carol\",\"apiGroup\":\"rbac.authorization.k8s.io\"}]}";
        TestApiServer.Resp binding = as("alice-token", "POST", RBAC + "/namespaces/team/rolebindings", bindView);
        assertThat(binding.code()).as(binding.body()).isEqualTo(403);
        assertThat(binding.json().path("message").asText())
                .startsWith("rolebindings.rbac.authorization.k8s.io \"carol-view\" is forbidden: user \"alice\""
                        + " (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently"
                        + " held:\n");
        // binding a role whose permissions alice holds is fine
        String bindPods = "{\"metadata\":{\"name\":\"carol-pods\"},\"roleRef\":{\"apiGroup\":"
                + "\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"pod-reader\"},"
                + "\"subjects\":[{\"kind\":\"User\",\"name\":\"carol\"}]}";
        assertThat(as("alice-token", "POST", RBAC + "/namespaces/team/rolebindings", bindPods)
                        .code())
                .isEqualTo(201);

        // the bind and escalate verbs lift the checks, as in kube
        admin.run(
                        "create",
                        "clusterrole",
                        "view-binder",
                        "--verb=bind",
                        "--resource=clusterroles",
                        "--resource-name=view")
                .ok();
        admin.run("create", "clusterrole", "role-escalator", "--verb=escalate", "--resource=roles")
                .ok();
        admin.run("create", "rolebinding", "alice-bind", "--clusterrole=view-binder", "--user=alice", "-n", "team")
                .ok();
        admin.run(
                        "create",
                        "rolebinding",
                        "alice-escalate",
                        "--clusterrole=role-escalator",
                        "--user=alice",
                        "-n",
                        "team")
                .ok();
        Poll.until(
                Duration.ofSeconds(10),
                "alice may bind view",
                () -> as("alice-token", "POST", RBAC + "/namespaces/team/rolebindings", bindView)
                        .code(),
                code -> code == 201);
        Poll.until(
                Duration.ofSeconds(10),
                "alice may escalate roles",
                () -> as("alice-token", "POST", RBAC + "/namespaces/team/roles", secrets)
                        .code(),
                code -> code == 201);
    }

    @Test
    void impersonationNeedsTheImpersonateVerb() {
        Map<String, String> asBob = Map.of("Impersonate-User", "bob");
        TestApiServer.Resp refused = CLUSTER.api()
                .withToken("carol-token")
                .request("GET", "/api/v1/namespaces/team/pods", null, null, asBob);
        assertThat(refused.code()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().path("message").asText())
                .isEqualTo("users \"bob\" is forbidden: User \"carol\" cannot impersonate resource \"users\" in API"
                        + " group \"\" at the cluster scope");

        Kubectl admin = CLUSTER.kubectl("admin-token");
        admin.run(
                        "create",
                        "clusterrole",
                        "bob-impersonator",
                        "--verb=impersonate",
                        "--resource=users",
                        "--resource-name=bob")
                .ok();
        admin.run("create", "clusterrolebinding", "carol-as-bob", "--clusterrole=bob-impersonator", "--user=carol")
                .ok();
        // now carol acts as bob, who may do nothing: the 403 names bob
        TestApiServer.Resp asBobNow = Poll.until(
                Duration.ofSeconds(10),
                "carol may impersonate bob",
                () -> CLUSTER.api()
                        .withToken("carol-token")
                        .request("GET", "/api/v1/namespaces/team/pods", null, null, asBob),
                r -> !r.body().contains("cannot impersonate"));
        assertThat(asBobNow.code()).as(asBobNow.body()).isEqualTo(403);
        assertThat(asBobNow.json().path("message").asText())
                .isEqualTo("pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" in the"
                        + " namespace \"team\"");
        JsonNode who = CLUSTER.api()
                .withToken("carol-token")
                .request("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "application/json", "{}", asBob)
                .json();
        assertThat(who.path("status").path("userInfo").path("username").asText())
                .isEqualTo("bob");
        assertThat(who.path("status").path("userInfo").path("groups").toString())
                .isEqualTo("[\"system:authenticated\"]");

        // bob yes, but not bob in system:masters
        TestApiServer.Resp group = CLUSTER.api()
                .withToken("carol-token")
                .request(
                        "GET",
                        "/api/v1/nodes",
                        null,
                        null,
                        Map.of("Impersonate-User", "bob", "Impersonate-Group", "system:masters"));
        assertThat(group.code()).as(group.body()).isEqualTo(403);
        assertThat(group.json().path("message").asText())
                .isEqualTo("groups \"system:masters\" is forbidden: User \"carol\" cannot impersonate resource"
                        + " \"groups\" in API group \"\" at the cluster scope");

        // kubectl --as, by the admin
        assertThat(admin.run("auth", "whoami", "--as=bob", "-o", "jsonpath={.status.userInfo.username}")
                        .ok())
                .isEqualTo("bob");
    }

    @Test
    void kubectlCreatesGetsAndDescribesTheFourKinds() {
        Kubectl admin = CLUSTER.kubectl("admin-token");
        assertThat(admin.run("create", "role", "cm-reader", "--verb=get", "--resource=configmaps", "-n", "team")
                        .ok())
                .isEqualTo("role.rbac.authorization.k8s.io/cm-reader created\n");
        assertThat(admin.run("create", "clusterrole", "node-reader", "--verb=get,list", "--resource=nodes")
                        .ok())
                .isEqualTo("clusterrole.rbac.authorization.k8s.io/node-reader created\n");
        assertThat(admin.run(
                                "create",
                                "rolebinding",
                                "cm",
                                "--role=cm-reader",
                                "--user=dave",
                                "--group=devs",
                                "--serviceaccount=team:builder",
                                "-n",
                                "team")
                        .ok())
                .isEqualTo("rolebinding.rbac.authorization.k8s.io/cm created\n");
        assertThat(admin.run("create", "clusterrolebinding", "nodes", "--clusterrole=node-reader", "--user=dave")
                        .ok())
                .isEqualTo("clusterrolebinding.rbac.authorization.k8s.io/nodes created\n");

        String roles = admin.run("get", "roles", "-n", "team", "cm-reader").ok();
        assertThat(roles).startsWith("NAME        CREATED AT\ncm-reader   20");
        String wide = admin.run("get", "rolebinding", "cm", "-n", "team", "-o", "wide")
                .ok();
        assertThat(wide.lines().toList().get(0).split("\\s+"))
                .containsExactly("NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS");
        assertThat(wide.lines().toList().get(1).split("\\s+"))
                .startsWith("cm", "Role/cm-reader")
                .endsWith("dave", "devs", "team/builder");
        assertThat(admin.run("get", "clusterrolebinding", "nodes").ok()).contains("ClusterRole/node-reader");

        String described =
                admin.run("describe", "role", "cm-reader", "-n", "team").ok();
        assertThat(described)
                .contains("Name:         cm-reader")
                .contains("configmaps")
                .contains("[get]");
        String bindingDescribed =
                admin.run("describe", "rolebinding", "cm", "-n", "team").ok();
        assertThat(bindingDescribed)
                .contains("Role:\n  Kind:  Role\n  Name:  cm-reader")
                .contains("User            dave")
                .contains("ServiceAccount  builder  team");
        // the bootstrap roles are there, as on every cluster
        assertThat(admin.run("get", "clusterroles", "-o", "name").ok())
                .contains("clusterrole.rbac.authorization.k8s.io/cluster-admin\n")
                .contains("clusterrole.rbac.authorization.k8s.io/system:basic-user\n");
    }

    @Test
    void badRolesAndBindingsAreRefusedAndChangeNothing() {
        TestApiServer.Resp badKind = as(
                "admin-token",
                "POST",
                RBAC + "/namespaces/team/rolebindings",
                "{\"metadata\":{\"name\":\"bad\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
                        + "\"kind\":\"Pod\",\"name\":\"x\"},\"subjects\":[{\"kind\":\"Robot\",\"name\":\"r\"}]}");
        assertThat(badKind.code()).as(badKind.body()).isEqualTo(422);
        assertThat(badKind.json().path("message").asText())
                .isEqualTo("RoleBinding.rbac.authorization.k8s.io \"bad\" is invalid: [roleRef.kind: Unsupported value:"
                        + " \"Pod\": supported values: \"Role\", \"ClusterRole\", subjects[0].kind: Unsupported value:"
                        + " \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\"]");
        TestApiServer.Resp noVerbs = as(
                "admin-token",
                "POST",
                RBAC + "/namespaces/team/roles",
                "{\"metadata\":{\"name\":\"bad\"},\"rules\":[{\"nonResourceURLs\":[\"/x\"],\"verbs\":[]}]}");
        assertThat(noVerbs.code()).as(noVerbs.body()).isEqualTo(422);
        assertThat(noVerbs.json().path("message").asText())
                .contains("rules[0].verbs: Required value: verbs must contain at least one value")
                .contains("rules[0].nonResourceURLs: Invalid value: ")
                .contains("namespaced rules cannot apply to non-resource URLs");
        assertThat(as("admin-token", "GET", RBAC + "/namespaces/team/roles/bad", null)
                        .code())
                .isEqualTo(404);

        Kubectl admin = CLUSTER.kubectl("admin-token");
        admin.run("create", "rolebinding", "fixed", "--clusterrole=view", "--user=erin", "-n", "team")
                .ok();
        Kubectl.Result changed = admin.run(
                "patch",
                "rolebinding",
                "fixed",
                "-n",
                "team",
                "--type=merge",
                "-p",
                "{\"roleRef\":{\"name\":\"edit\"}}");
        assertThat(changed.exitCode()).isEqualTo(1);
        assertThat(changed.err()).contains("roleRef: Invalid value:").contains("cannot change roleRef");
        assertThat(admin.run("get", "rolebinding", "fixed", "-n", "team", "-o", "jsonpath={.roleRef.name}")
                        .ok())
                .isEqualTo("view");
    }
}
