package io.kubelite.store.runtime;

import io.kubelite.store.EtcdConfig;
import io.kubelite.store.EtcdCredentials;
import io.kubelite.store.EtcdTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * TLS and authentication toward etcd, as a picocli mixin shared by every command that
 * talks to etcd (the components through {@link CommonOptions}, {@code kl inspect etcd},
 * {@code kubelite store}). TLS flags are kube's ({@code --etcd-cafile},
 * {@code --etcd-certfile}, {@code --etcd-keyfile}); etcd's user/password authentication
 * takes {@code --etcd-username} and {@code --etcd-password-file}: the password is read from
 * a file (or {@code $ETCD_PASSWORD_FILE}), never from the command line, where {@code ps}
 * and the mirror pod's command would show it.
 */
public final class EtcdSecurityOptions {
    @Option(
            names = "--etcd-cafile",
            paramLabel = "FILE",
            description = "PEM CA bundle that signed etcd's serving certificate; turns on TLS toward etcd.")
    Path caFile;

    @Option(
            names = "--etcd-certfile",
            paramLabel = "FILE",
            description = "PEM client certificate presented to etcd (etcd --client-cert-auth); with --etcd-keyfile.")
    Path certFile;

    @Option(
            names = "--etcd-keyfile",
            paramLabel = "FILE",
            description = "PEM private key of --etcd-certfile (PKCS#8, PKCS#1 or SEC1).")
    Path keyFile;

    @Option(
            names = "--etcd-username",
            paramLabel = "USER",
            defaultValue = "${env:ETCD_USERNAME}",
            description = "etcd user to authenticate as (etcd auth enable); needs --etcd-password-file"
                    + " (default: $ETCD_USERNAME).")
    String username;

    @Option(
            names = "--etcd-password-file",
            paramLabel = "FILE",
            defaultValue = "${env:ETCD_PASSWORD_FILE}",
            description = "File holding the etcd user's password (one line; default: $ETCD_PASSWORD_FILE).")
    Path passwordFile;

    /**
     * {@code base} with the TLS and credentials these flags describe. Reads the password
     * file; throws {@link IllegalArgumentException} naming the flag when the flags do not
     * fit together or a file cannot be read.
     */
    public EtcdConfig applyTo(EtcdConfig base) {
        EtcdConfig c = base;
        if (caFile != null || certFile != null || keyFile != null) {
            if ((certFile == null) != (keyFile == null)) {
                throw new IllegalArgumentException(
                        certFile == null
                                ? "--etcd-keyfile needs --etcd-certfile"
                                : "--etcd-certfile needs --etcd-keyfile");
            }
            requireFile("--etcd-cafile", caFile);
            requireFile("--etcd-certfile", certFile);
            requireFile("--etcd-keyfile", keyFile);
            c = c.withTls(new EtcdTls(caFile, certFile, keyFile));
        }
        boolean hasUser = username != null && !username.isBlank();
        if (hasUser != (passwordFile != null)) {
            throw new IllegalArgumentException(
                    hasUser
                            ? "--etcd-username needs --etcd-password-file"
                            : "--etcd-password-file needs --etcd-username");
        }
        if (hasUser) {
            c = c.withCredentials(new EtcdCredentials(username.trim(), password()));
        }
        return c;
    }

    private String password() {
        try {
            String p = Files.readString(passwordFile);
            // a file written by echo or an editor ends with a newline that is not part of the password
            return p.endsWith("\r\n")
                    ? p.substring(0, p.length() - 2)
                    : p.endsWith("\n") ? p.substring(0, p.length() - 1) : p;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--etcd-password-file: " + passwordFile + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("--etcd-password-file: cannot read " + passwordFile + ": " + e);
        }
    }

    private static void requireFile(String flag, Path p) {
        if (p != null && !Files.isReadable(p)) {
            throw new IllegalArgumentException(
                    flag + ": " + p + (Files.exists(p) ? " is not readable" : " does not exist"));
        }
    }
}
