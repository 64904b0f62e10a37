package io.kubelite.store;

import java.nio.file.Path;

/**
 * TLS toward etcd, as kube's {@code --etcd-cafile}, {@code --etcd-certfile} and
 * {@code --etcd-keyfile}: the CA that signed etcd's serving certificate (null: the JVM's
 * trust store) and this process's client certificate and key, both or neither (etcd's
 * {@code --client-cert-auth} requires them). Keys may be PKCS#8, PKCS#1 or SEC1 PEM, as
 * cfssl, openssl and kubeadm write them.
 */
public record EtcdTls(Path caFile, Path certFile, Path keyFile) {
    public EtcdTls {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--etcd-certfile and --etcd-keyfile go together: give both or neither");
        }
    }

    public boolean hasClientCertificate() {
        return certFile != null;
    }
}
