package io.kubelite.apiserver.aggregation;

/**
 * kube's front-proxy (request-header) headers, with which the aggregator tells a backend who made
 * the request it proxies ({@code --requestheader-username-headers} and friends, as kubeadm sets them).
 */
final class FrontProxyHeaders {
    static final String USER = "X-Remote-User";
    static final String GROUP = "X-Remote-Group";

    private FrontProxyHeaders() {}
}
