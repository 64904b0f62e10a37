package io.kubelite.launcher;

import io.kubelite.apiserver.pki.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A cluster's static admin token in kube-apiserver's {@code --token-auth-file} format ({@code
 * token,admin,admin-uid,"system:masters"}): a random token made once, in a file that is {@code 0600}
 * from its creation, and kept across restarts so that a kubeconfig or a dashboard sign-in that holds
 * it stays valid. {@code kubelite up} and {@code kubelite pki --token-file} (the compose stack) make
 * it; no cluster shares a token with another.
 */
final class AdminTokenFile {
    private AdminTokenFile() {}

    /** The admin token {@code file} holds, after writing one if it holds none. */
    static String ensure(Path file) throws IOException {
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (line.contains(",admin,")) {
                    return line.substring(0, line.indexOf(','));
                }
            }
        }
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        String token = HexFormat.of().formatHex(b);
        // created 0600 before the token is written: never readable by others, not even for a moment
        Pem.writeSecret(file, token + ",admin,admin-uid,\"system:masters\"\n");
        return token;
    }
}
