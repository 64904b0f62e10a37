package io.kubelite.proxy;

/**
 * One endpoint of one service port as kube-proxy sees it: an IPv4 address and the target port
 * from an EndpointSlice, the node it runs on, and its conditions with kube's defaults already
 * applied (an unset {@code ready} means ready, an unset {@code serving} means the value of
 * ready, an unset {@code terminating} means not terminating).
 */
public record EndpointInfo(String ip, int port, String nodeName, boolean ready, boolean serving, boolean terminating) {

    /** {@code ip:port}, the form kube hashes into the KUBE-SEP chain name and DNATs to. */
    @Override
    public String toString() {
        return ip + ":" + port;
    }

    /** Whether the endpoint runs on {@code node} (kube-proxy's IsLocal). */
    public boolean isLocal(String node) {
        return node.equals(nodeName);
    }

    /** kube's fallback class: still serving while terminating. */
    public boolean servingTerminating() {
        return serving && terminating;
    }
}
