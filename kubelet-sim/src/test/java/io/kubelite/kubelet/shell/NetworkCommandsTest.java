package io.kubelite.kubelet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.kubelet.clock.ScheduledTimers;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.store.testing.Poll;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * nslookup, wget, curl and nc in the simulated shell against an in-memory pod network: what a
 * user reads on stdout and stderr, the exit codes, the files written, the DNS questions asked.
 */
class NetworkCommandsTest {
    private static final ScheduledTimers TIMERS = new ScheduledTimers("network-commands-test", 1);
    private static final String RESOLV_CONF = "search default.svc.cluster.local svc.cluster.local cluster.local\n"
            + "nameserver 10.96.0.10\n"
            + "options ndots:5\n";
    private static final String HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n10.244.1.5\tclient\n";

    @AfterAll
    static void close() {
        TIMERS.close();
    }

    private record Run(int code, String out, String err) {}

    private static final class Sink implements Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(String text) {
            writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public synchronized void writeBytes(byte[] b) {
            bytes.write(b, 0, b.length);
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static SimulatedFilesystem pod() {
        SimulatedFilesystem fs = new SimulatedFilesystem();
        fs.write("/etc/resolv.conf", RESOLV_CONF, false);
        fs.write("/etc/hosts", HOSTS, false);
        return fs;
    }

    private static ShellProcess.Config config(
            SimulatedFilesystem fs, PodNetwork net, Sink out, Sink err, String stdin) {
        return ShellProcess.Config.builder(fs, TIMERS, new TimeScale(100))
                .env(Map.of("HOME", "/root"))
                .hostname("client")
                .stdout(out)
                .stderr(err)
                .stdin(Input.of(stdin.getBytes(StandardCharsets.UTF_8)))
                .network(net)
                .build();
    }

    private static Run sh(String script, SimulatedFilesystem fs, PodNetwork net, String stdin) throws Exception {
        Sink out = new Sink();
        Sink err = new Sink();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        ShellProcess.forArgv(List.of("sh", "-c", script), config(fs, net, out, err, stdin))
                .start(exit::complete);
        int code = exit.get(20, TimeUnit.SECONDS);
        return new Run(code, out.text(), err.text());
    }

    private static Run sh(String script, SimulatedFilesystem fs, PodNetwork net) throws Exception {
        return sh(script, fs, net, "");
    }

    // ------------------------------------------------------------------ resolution

    @Test
    void resolvConfOrdersSearchCandidatesByNdots() {
        ResolvConf conf = ResolvConf.parse(RESOLV_CONF);
        assertThat(conf.nameservers()).containsExactly("10.96.0.10");
        assertThat(conf.ndots()).isEqualTo(5);
        assertThat(conf.candidates("web"))
                .containsExactly("web.default.svc.cluster.local", "web.svc.cluster.local", "web.cluster.local", "web");
        assertThat(conf.candidates("a.b.c.d.e.f"))
                .containsExactly(
                        "a.b.c.d.e.f",
                        "a.b.c.d.e.f.default.svc.cluster.local",
                        "a.b.c.d.e.f.svc.cluster.local",
                        "a.b.c.d.e.f.cluster.local");
        assertThat(conf.candidates("web.default.svc.cluster.local.")).containsExactly("web.default.svc.cluster.local");
        ResolvConf defaults = ResolvConf.parse("nameserver 1.1.1.1\nnameserver 2.2.2.2\nnameserver 3.3.3.3\n"
                + "nameserver 4.4.4.4\ndomain example.org\n");
        assertThat(defaults.nameservers()).containsExactly("1.1.1.1", "2.2.2.2", "3.3.3.3");
        assertThat(defaults.ndots()).isEqualTo(1);
        assertThat(defaults.timeoutSeconds()).isEqualTo(5);
        assertThat(defaults.attempts()).isEqualTo(2);
        assertThat(defaults.candidates("x.y")).containsExactly("x.y", "x.y.example.org");
    }

    @Test
    void aShortNameIsTriedUnderEachSearchDomainThenAsItIs() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        Run found = sh("wget -q -O - http://web/", pod(), net);
        assertThat(found.out()).isEqualTo(FakePodNetwork.INDEX);
        assertThat(net.queries).containsExactly("udp A web.default.svc.cluster.local");

        net.queries.clear();
        Run missing = sh("curl -sS http://db/", pod(), net);
        assertThat(missing.code()).isEqualTo(6);
        assertThat(missing.err()).isEqualTo("curl: (6) Could not resolve host: db\n");
        assertThat(net.queries)
                .containsExactly(
                        "udp A db.default.svc.cluster.local",
                        "udp A db.svc.cluster.local",
                        "udp A db.cluster.local",
                        "udp A db");
    }

    @Test
    void etcHostsWinsOverDnsAndAddressesNeedNoLookup() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        SimulatedFilesystem fs = pod();
        fs.write("/etc/hosts", "10.96.0.13\tweb\n", true);
        Run r = sh("wget http://web/", fs, net);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .isEqualTo("Connecting to web (10.96.0.13:80)\n"
                        + "wget: can't connect to remote host (10.96.0.13): Connection refused\n");
        Run literal = sh("wget -qO- http://10.96.0.12/", fs, net);
        assertThat(literal.out()).isEqualTo(FakePodNetwork.INDEX);
        assertThat(net.queries)
                .as("no DNS question for a hosts-file name or an address")
                .isEmpty();
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverTcp() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        Run r = sh("wget -qO- http://big/", pod(), net);
        assertThat(r.out()).isEqualTo(FakePodNetwork.INDEX);
        assertThat(net.queries)
                .containsExactly("udp A big.default.svc.cluster.local", "tcp A big.default.svc.cluster.local");
    }

    @Test
    void withoutANameserverNothingResolves() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        SimulatedFilesystem fs = pod();
        fs.remove("/etc/resolv.conf", false);
        Run r = sh("wget http://web/", fs, net);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("wget: bad address 'web'\n");
        assertThat(net.queries).isEmpty();
    }

    // ------------------------------------------------------------------ nslookup

    @Test
    void nslookupAsksAAndAaaaUnderEverySearchDomainAsBusyboxDoes() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        Run r = sh("nslookup web", pod(), net);
        assertThat(r.out())
                .isEqualTo("Server:\t\t10.96.0.10\n"
                        + "Address:\t10.96.0.10:53\n\n"
                        + "Name:\tweb.default.svc.cluster.local\n"
                        + "Address: 10.96.0.12\n\n"
                        + "** server can't find web.svc.cluster.local: NXDOMAIN\n\n"
                        + "** server can't find web.cluster.local: NXDOMAIN\n\n"
                        + "*** Can't find web.default.svc.cluster.local: No answer\n\n"
                        + "** server can't find web.svc.cluster.local: NXDOMAIN\n\n"
                        + "** server can't find web.cluster.local: NXDOMAIN\n\n");
        assertThat(r.code())
                .as("busybox exits 1 when any question got NXDOMAIN")
                .isEqualTo(1);
        assertThat(net.queries)
                .containsExactly(
                        "udp A web.default.svc.cluster.local",
                        "udp A web.svc.cluster.local",
                        "udp A web.cluster.local",
                        "udp AAAA web.default.svc.cluster.local",
                        "udp AAAA web.svc.cluster.local",
                        "udp AAAA web.cluster.local");
    }

    @Test
    void nslookupOfAFullNameAndOfAMissingOne() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        Run ok = sh("nslookup web.default.svc.cluster.local", pod(), net);
        assertThat(ok.code()).isZero();
        assertThat(ok.out())
                .isEqualTo("Server:\t\t10.96.0.10\n"
                        + "Address:\t10.96.0.10:53\n\n"
                        + "Name:\tweb.default.svc.cluster.local\n"
                        + "Address: 10.96.0.12\n\n"
                        + "*** Can't find web.default.svc.cluster.local: No answer\n\n");
        Run missing = sh("nslookup nope.default.svc.cluster.local", pod(), net);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.out())
                .isEqualTo("Server:\t\t10.96.0.10\n"
                        + "Address:\t10.96.0.10:53\n\n"
                        + "** server can't find nope.default.svc.cluster.local: NXDOMAIN\n\n"
                        + "** server can't find nope.default.svc.cluster.local: NXDOMAIN\n\n");
    }

    @Test
    void nslookupToASilentServerTimesOut() throws Exception {
        Run r = sh("nslookup web.default.svc.cluster.local " + FakePodNetwork.DEAD_DNS, pod(), new FakePodNetwork());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEqualTo(";; connection timed out; no servers could be reached\n\n");
        assertThat(sh("nslookup -port=0 web", pod(), new FakePodNetwork()).err())
                .isEqualTo("nslookup: number 0 is not in 1..65535 range\n");
        Run usage = sh("nslookup", pod(), new FakePodNetwork());
        assertThat(usage.code()).isEqualTo(1);
        assertThat(usage.err()).contains("Usage: nslookup");
    }

    // ------------------------------------------------------------------ wget

    @Test
    void wgetSavesIndexHtmlAndSaysSoAsBusyboxDoes() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        SimulatedFilesystem fs = pod();
        Run r = sh("cd /tmp && wget http://web/", fs, net);
        assertThat(r.code()).isZero();
        assertThat(r.err())
                .isEqualTo("Connecting to web (10.96.0.12:80)\n"
                        + "saving to 'index.html'\n"
                        + "index.html           100% |********************************|    15  0:00:00 ETA\n"
                        + "'index.html' saved\n");
        assertThat(fs.read("/tmp/index.html")).isEqualTo(FakePodNetwork.INDEX);
        assertThat(net.connections)
                .containsExactly("10.96.0.12:80\nGET / HTTP/1.1\r\nHost: web\r\nUser-Agent: Wget\r\n"
                        + "Connection: close\r\n\r\n");
        // busybox never overwrites a file it named itself
        Run again = sh("cd /tmp && wget -q http://web/", fs, net);
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("wget: can't open 'index.html': File exists\n");
    }

    @Test
    void wgetReportsServerErrorsRefusalsTimeoutsAndBadAddresses() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        Run notFound = sh("wget -O /tmp/x http://web/missing", pod(), net);
        assertThat(notFound.code()).isEqualTo(1);
        assertThat(notFound.err())
                .isEqualTo("Connecting to web (10.96.0.12:80)\n"
                        + "wget: server returned error: HTTP/1.1 404 Not Found\n");
        Run otherPort = sh("wget http://web:8080/", pod(), net);
        assertThat(otherPort.err())
                .isEqualTo("Connecting to web:8080 (10.96.0.12:8080)\n"
                        + "wget: can't connect to remote host (10.96.0.12): Connection refused\n");
        Run refused = sh("wget -q http://refused/", pod(), net);
        assertThat(refused.err()).isEqualTo("wget: can't connect to remote host (10.96.0.13): Connection refused\n");
        Run timedOut = sh("wget -q -T 2 http://silent/", pod(), net);
        assertThat(timedOut.code()).isEqualTo(1);
        assertThat(timedOut.err()).isEqualTo("wget: download timed out\n");
        Run bad = sh("wget -q http://nosuch/", pod(), net);
        assertThat(bad.err()).isEqualTo("wget: bad address 'nosuch'\n");
        Run https = sh("wget https://web/", pod(), net);
        assertThat(https.code()).isEqualTo(1);
        assertThat(https.err()).isEqualTo("wget: not an http or ftp url: https://web/\n");
        Run usage = sh("wget", pod(), net);
        assertThat(usage.code()).isEqualTo(1);
        assertThat(usage.err()).contains("Usage: wget");
        Run badOption = sh("wget --bogus http://web/", pod(), net);
        assertThat(badOption.code()).isEqualTo(1);
        assertThat(badOption.err()).startsWith("wget: unrecognized option '--bogus'\n");
    }

    @Test
    void wgetFollowsRedirectsReadsChunksAndShowsHeaders() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        SimulatedFilesystem fs = pod();
        Run moved = sh("wget -q http://web/old && cat old", fs, net);
        assertThat(moved.code()).isZero();
        assertThat(moved.out()).as("saved under the name asked for").isEqualTo("new\n");
        Run chunked = sh("wget -qO- http://web/chunked", fs, net);
        assertThat(chunked.out()).isEqualTo("chunk stream\n");
        Run spider = sh("wget -S --spider http://web/", fs, net);
        assertThat(spider.code()).isZero();
        assertThat(spider.err())
                .isEqualTo("Connecting to web (10.96.0.12:80)\n"
                        + "  HTTP/1.1 200 OK\n"
                        + "  Content-Type: text/html\n"
                        + "  Content-Length: 15\n"
                        + "  \n"
                        + "remote file exists\n");
        Run loop = sh("wget -q http://web/loop", fs, net);
        assertThat(loop.code()).isEqualTo(1);
        assertThat(loop.err()).isEqualTo("wget: too many redirections\n");
        Run agent = sh("wget -q -O /tmp/a -U probe --header 'X-Test: 1' http://web/", fs, net);
        assertThat(agent.code()).isZero();
        assertThat(net.connections.get(net.connections.size() - 1))
                .isEqualTo("10.96.0.12:80\nGET / HTTP/1.1\r\nHost: web\r\nUser-Agent: probe\r\n"
                        + "Connection: close\r\nX-Test: 1\r\n\r\n");
    }

    @Test
    void wgetToStdoutSaysSoAndFilesGoWhereAsked() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        SimulatedFilesystem fs = pod();
        Run r = sh("wget -O - http://web/chunked", fs, net);
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("chunk stream\n");
        assertThat(r.err())
                .isEqualTo("Connecting to web (10.96.0.12:80)\n"
                        + "writing to stdout\n"
                        + "-                    100% |********************************|    13  0:00:00 ETA\n"
                        + "written to stdout\n");
        Run named = sh("wget -q -O /tmp/page.html http://web/ && wget -q -P /tmp http://web/new", fs, net);
        assertThat(named.code()).as(named.err()).isZero();
        assertThat(fs.read("/tmp/page.html")).isEqualTo(FakePodNetwork.INDEX);
        assertThat(fs.read("/tmp/new")).isEqualTo("new\n");
        Run noDir = sh("wget -q -O /nodir/x http://web/", fs, net);
        assertThat(noDir.code()).isEqualTo(1);
        assertThat(noDir.err()).isEqualTo("wget: can't open '/nodir/x': No such file or directory\n");
        Run shortBody = sh("wget -q -O /tmp/s http://web/short", fs, net);
        assertThat(shortBody.code()).isEqualTo(1);
        assertThat(shortBody.err()).isEqualTo("wget: connection closed prematurely\n");
        Run curlNoDir = sh("curl -sS -o /nodir/x http://web/", fs, net);
        assertThat(curlNoDir.code()).isEqualTo(23);
        assertThat(curlNoDir.err())
                .isEqualTo("Warning: Failed to open the file /nodir/x: No such file or directory\n"
                        + "curl: (23) Failure writing output to destination\n");
    }

    @Test
    void localhostResolvesWithoutAHostsFile() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        SimulatedFilesystem fs = pod();
        fs.remove("/etc/hosts", false);
        Run r = sh("wget -q --spider http://localhost:8080/healthz", fs, net);
        assertThat(r.err()).isEqualTo("wget: can't connect to remote host (127.0.0.1): Connection refused\n");
        assertThat(net.queries).isEmpty();
    }

    @Test
    void wgetToStdoutWorksInACommandSubstitution() throws Exception {
        Run r = sh("page=$(wget -qO- http://web/); echo \"got: $page\"", pod(), new FakePodNetwork());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("got: <h1>hello</h1>\n");
    }

    // ------------------------------------------------------------------ curl

    @Test
    void curlWritesBodiesFilesAndWriteOutVariables() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        SimulatedFilesystem fs = pod();
        Run body = sh("curl -s http://web/", fs, net);
        assertThat(body.code()).isZero();
        assertThat(body.out()).isEqualTo(FakePodNetwork.INDEX);
        assertThat(body.err()).isEmpty();
        assertThat(net.connections.get(0))
                .isEqualTo(
                        "10.96.0.12:80\nGET / HTTP/1.1\r\nHost: web\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n");
        Run file = sh("curl -s -o /tmp/page -w '%{http_code} %{remote_ip} %{size_download}\\n' http://web/", fs, net);
        assertThat(file.out()).isEqualTo("200 10.96.0.12 15\n");
        assertThat(fs.read("/tmp/page")).isEqualTo(FakePodNetwork.INDEX);
        Run remote = sh("cd /tmp && curl -sO http://web/index.html && cat index.html", fs, net);
        assertThat(remote.out()).isEqualTo(FakePodNetwork.INDEX);
        Run status = sh("code=$(curl -s -o /dev/null -w '%{http_code}' http://web/missing); echo $code", fs, net);
        assertThat(status.out()).isEqualTo("404\n");
    }

    @Test
    void curlFailsAsCurlDoes() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        Run notFound = sh("curl -sSf http://web/missing", pod(), net);
        assertThat(notFound.code()).isEqualTo(22);
        assertThat(notFound.out()).isEmpty();
        assertThat(notFound.err()).isEqualTo("curl: (22) The requested URL returned error: 404\n");
        Run refused = sh("curl -sS http://refused/", pod(), net);
        assertThat(refused.code()).isEqualTo(7);
        assertThat(refused.err())
                .matches(
                        "curl: \\(7\\) Failed to connect to refused port 80 after \\d+ ms: Couldn't connect to server\n");
        Run timedOut = sh("curl -sS -m 2 http://silent/", pod(), net);
        assertThat(timedOut.code()).isEqualTo(28);
        assertThat(timedOut.err())
                .matches("curl: \\(28\\) Operation timed out after \\d+ milliseconds with 0 bytes received\n");
        Run quiet = sh("curl -s http://refused/", pod(), net);
        assertThat(quiet.code()).isEqualTo(7);
        assertThat(quiet.err()).as("-s without -S says nothing").isEmpty();
        Run empty = sh("curl -sS http://web/empty", pod(), net);
        assertThat(empty.code()).isEqualTo(52);
        assertThat(empty.err()).isEqualTo("curl: (52) Empty reply from server\n");
        Run https = sh("curl -sS https://web/", pod(), net);
        assertThat(https.code()).isEqualTo(1);
        assertThat(https.err()).isEqualTo("curl: (1) Protocol \"https\" not supported\n");
        assertThat(sh("curl -sS http://:80/", pod(), net).err())
                .isEqualTo("curl: (3) URL rejected: No host part in the URL\n");
        assertThat(sh("curl -sS http://web:99999/", pod(), net).err())
                .isEqualTo("curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535\n");
        Run unknown = sh("curl --bogus http://web/", pod(), net);
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err())
                .isEqualTo("curl: option --bogus: is unknown\ncurl: try 'curl --help' for more information\n");
    }

    @Test
    void curlFollowsRedirectsShowsHeadersAndTalksVerbosely() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        Run noFollow = sh("curl -s -w '%{http_code}' http://web/old", pod(), net);
        assertThat(noFollow.out()).isEqualTo("301");
        Run follow = sh("curl -sL http://web/old", pod(), net);
        assertThat(follow.out()).isEqualTo("new\n");
        Run head = sh("curl -sI http://web/", pod(), net);
        assertThat(head.out()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 15\r\n\r\n");
        assertThat(net.connections.get(net.connections.size() - 1)).contains("HEAD / HTTP/1.1\r\n");
        Run include = sh("curl -si http://web/new", pod(), net);
        assertThat(include.out()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnew\n");
        Run post = sh("curl -s -X PUT -H 'X-A: b' -d k=v http://web/new", pod(), net);
        assertThat(post.code()).isZero();
        assertThat(net.connections.get(net.connections.size() - 1))
                .isEqualTo("10.96.0.12:80\nPUT /new HTTP/1.1\r\nHost: web\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n"
                        + "X-A: b\r\nContent-Length: 3\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nk=v");
        Run verbose = sh("curl -sv http://web/new", pod(), net);
        assertThat(verbose.err())
                .isEqualTo("*   Trying 10.96.0.12:80...\n"
                        + "* Connected to web (10.96.0.12) port 80\n"
                        + "> GET /new HTTP/1.1\n"
                        + "> Host: web\n"
                        + "> User-Agent: curl/8.5.0\n"
                        + "> Accept: */*\n"
                        + "> \n"
                        + "< HTTP/1.1 200 OK\n"
                        + "< Content-Length: 4\n"
                        + "< \n"
                        + "* Connection #0 to host web left intact\n");
    }

    @Test
    void curlWithoutSilentDrawsItsProgressMeterInTheLog() throws Exception {
        Run r = sh("curl http://web/", pod(), new FakePodNetwork());
        assertThat(r.out()).isEqualTo(FakePodNetwork.INDEX);
        assertThat(r.err())
                .matches(
                        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
                                + "                                 Dload  Upload   Total   Spent    Left  Speed\n"
                                + "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0"
                                + "\r100    15  100    15    0     0  [ 0-9kM.]{5}      0 --:--:-- --:--:-- --:--:-- [ 0-9kM.]{5}\n");
    }

    // ------------------------------------------------------------------ nc

    @Test
    void ncChecksPortsAndExchangesStdin() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        Run open = sh("nc -zv web 80", pod(), net);
        assertThat(open.code()).as(open.err()).isZero();
        assertThat(open.err()).isEqualTo("web (10.96.0.12:80) open\n");
        Run closed = sh("nc -z -w 1 refused 80", pod(), net);
        assertThat(closed.code()).isEqualTo(1);
        assertThat(closed.err()).isEqualTo("nc: refused (10.96.0.13:80): Connection refused\n");
        Run echo = sh("echo hello | nc web 7", pod(), net);
        assertThat(echo.code()).isZero();
        assertThat(echo.out()).isEqualTo("HELLO\n");
        Run timedOut = sh("nc -w 1 silent 80", pod(), net);
        assertThat(timedOut.code()).isEqualTo(1);
        assertThat(timedOut.err()).isEqualTo("nc: silent (10.96.0.14:80): Connection timed out\n");
        Run listen = sh("nc -l -p 8080", pod(), net);
        assertThat(listen.code()).isEqualTo(1);
        assertThat(listen.err()).isEqualTo("nc: listen mode (-l) is not supported in kubelite's simulated shell\n");
        Run bad = sh("nc nosuch 80", pod(), net);
        assertThat(bad.err()).isEqualTo("nc: bad address 'nosuch'\n");
        Run ip = sh("hostname -i; hostname", pod(), net);
        assertThat(ip.out()).isEqualTo("10.244.1.5 \nclient\n");
        SimulatedFilesystem noHosts = pod();
        noHosts.remove("/etc/hosts", false);
        assertThat(sh("hostname -i", noHosts, net).out())
                .as("the pod IP without a hosts file")
                .isEqualTo("10.244.1.5 \n");
        Run hosts = sh("getent hosts web client", pod(), net);
        assertThat(hosts.out()).isEqualTo("10.96.0.12      web.default.svc.cluster.local\n10.244.1.5      client\n");
    }

    @Test
    void badInputGetsAMessageNeverAnException() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        List<String> scripts = List.of(
                "wget http://",
                "wget -O",
                "wget -T x http://web/",
                "wget 'http://web:99999/'",
                "wget http://a..b/",
                "curl ''",
                "curl http://:80/",
                "curl -m",
                "curl -m abc http://web/",
                "curl -w '%{bogus}' -s http://web/",
                "nc web",
                "nc web notaport",
                "nc -w",
                "nslookup -type=bogus web",
                "nslookup -port=0 web",
                "nslookup web 1.2.3.4 extra",
                "nslookup ''",
                "getent",
                "getent passwd root");
        for (String script : scripts) {
            Run r = sh(script, pod(), net);
            assertThat(r.err() + r.out()).as(script).doesNotContain("Exception").doesNotContain("java.");
            if (!script.startsWith("curl -w")) {
                assertThat(r.code()).as(script + " -> " + r.err()).isNotZero();
            }
        }
    }

    // ------------------------------------------------------------------ kill

    @Test
    void aKilledCommandWritesNothingWhenItsAnswerComesLate() throws Exception {
        FakePodNetwork net = new FakePodNetwork();
        SimulatedFilesystem fs = pod();
        Sink out = new Sink();
        Sink err = new Sink();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        ShellProcess p = ShellProcess.forArgv(
                List.of("sh", "-c", "wget -O /tmp/late http://held/; echo after"), config(fs, net, out, err, ""));
        p.start(exit::complete);
        Poll.until(Duration.ofSeconds(10), "wget connected to the held server", () -> net.connections.size() == 1);
        p.kill();
        net.held.complete(PodNetwork.Reply.of(
                "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nlate".getBytes(StandardCharsets.UTF_8), "held"));
        // the answer's continuation ran on another thread: let the scheduler drain what it may have queued
        CompletableFuture<Void> drained = new CompletableFuture<>();
        TIMERS.after(50, () -> drained.complete(null));
        drained.get(10, TimeUnit.SECONDS);
        assertThat(fs.exists("/tmp/late")).as("no file after the kill").isFalse();
        assertThat(out.text()).as("stdout after the kill").isEmpty();
        assertThat(err.text())
                .as("stderr: only what came before the kill")
                .isEqualTo("Connecting to held (10.96.0.15:80)\n");
        assertThat(exit).as("no exit reported after a kill").isNotDone();
    }
}
