package io.kubelite.kubelet.shell;

import io.kubelite.kubelet.clock.TimeScale;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Host name to IPv4 address, as a pod's libc does it for {@code wget}, {@code curl} and
 * {@code nc}: an address literal as it is; else {@code /etc/hosts}; else DNS per
 * {@code /etc/resolv.conf} (search list and ndots, each nameserver in turn, {@code attempts}
 * rounds of {@code timeout} seconds each, simulated time).
 *
 * <p>A name the DNS answers with NXDOMAIN or no address moves on to the next search candidate;
 * when no nameserver answers at all the lookup stops with {@link Error#TRY_AGAIN}, as
 * glibc's {@code res_search} does. Futures complete on the network's threads and never
 * exceptionally; nothing here writes output.
 */
final class NameResolver {
    /** Why a name has no address: {@code EAI_NONAME} or {@code EAI_AGAIN}. */
    enum Error {
        NOT_FOUND,
        TRY_AGAIN
    }

    /** The address found and the name that had it (the search candidate that answered), or the error. */
    record Resolution(String address, String name, Error error) {
        static Resolution of(String address, String name) {
            return new Resolution(address, name, null);
        }

        static Resolution failed(Error error) {
            return new Resolution(null, null, error);
        }

        boolean ok() {
            return address != null;
        }
    }

    private final SimulatedFilesystem fs;
    private final DnsExchange dns;
    private final TimeScale timeScale;

    NameResolver(PodNetwork network, SimulatedFilesystem fs, TimeScale timeScale) {
        this.fs = fs;
        this.dns = new DnsExchange(network);
        this.timeScale = timeScale;
    }

    CompletableFuture<Resolution> resolve(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (IpLiteral.isAddress(h)) {
            return CompletableFuture.completedFuture(Resolution.of(h, h));
        }
        Optional<String> fromHosts = HostsFile.lookup(fs, h);
        if (fromHosts.isPresent()) {
            return CompletableFuture.completedFuture(Resolution.of(fromHosts.get(), h));
        }
        ResolvConf conf = ResolvConf.read(fs);
        if (conf.nameservers().isEmpty() || h.isEmpty()) {
            return CompletableFuture.completedFuture(Resolution.failed(Error.NOT_FOUND));
        }
        return candidate(conf, conf.candidates(h), 0);
    }

    private CompletableFuture<Resolution> candidate(ResolvConf conf, List<String> names, int i) {
        if (i >= names.size()) {
            return CompletableFuture.completedFuture(Resolution.failed(Error.NOT_FOUND));
        }
        Message q = DnsExchange.query(names.get(i), Type.A);
        if (q == null) {
            return candidate(conf, names, i + 1);
        }
        return ask(conf, q, 0).thenCompose(reply -> {
            if (!reply.answered()) {
                return CompletableFuture.completedFuture(Resolution.failed(Error.TRY_AGAIN));
            }
            Message m = reply.message();
            if (m.getRcode() == Rcode.NOERROR) {
                for (Record r : m.getSection(Section.ANSWER)) {
                    if (r instanceof ARecord a) {
                        return CompletableFuture.completedFuture(
                                Resolution.of(a.getAddress().getHostAddress(), names.get(i)));
                    }
                }
            }
            return candidate(conf, names, i + 1);
        });
    }

    /** The first useful answer over every attempt round and nameserver; SERVFAIL tries the next one. */
    private CompletableFuture<DnsExchange.Reply> ask(ResolvConf conf, Message q, int step) {
        int servers = conf.nameservers().size();
        String server = conf.nameservers().get(step % servers);
        Duration timeout = Duration.ofMillis(Math.max(1, timeScale.millisOfSeconds(conf.timeoutSeconds())));
        return dns.ask(server, q, timeout).thenCompose(reply -> {
            boolean useful = reply.answered() && reply.message().getRcode() != Rcode.SERVFAIL;
            boolean last = step + 1 >= servers * Math.max(1, conf.attempts());
            if (useful || last) {
                return CompletableFuture.completedFuture(reply);
            }
            return ask(conf, q, step + 1);
        });
    }
}
