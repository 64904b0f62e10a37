package io.kubelite.dashboard.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-time login code ({@code --login-code-file}, as Jupyter's token in its URL): whoever
 * presents it first gets a session with the dashboard's own credential, and then it is spent.
 * The file is deleted once the code is read, so a restarted dashboard does not honour it again
 * ({@code kubelite up} writes a fresh one each time).
 */
public final class LoginCode {
    private static final Logger log = LoggerFactory.getLogger(LoginCode.class);
    private final AtomicReference<String> code;

    private LoginCode(String code) {
        this.code = new AtomicReference<>(code);
    }

    /** No code: only token sign-in. */
    public static LoginCode none() {
        return new LoginCode(null);
    }

    /** Reads (and removes) the file; a missing, empty or too short code is an error for the user. */
    public static LoginCode readOnce(Path file) throws IOException {
        String c = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (c.length() < 16) {
            throw new IllegalArgumentException(
                    "--login-code-file " + file + " holds no code of at least 16 characters");
        }
        Files.deleteIfExists(file);
        return new LoginCode(c);
    }

    /** True once, for the right code; compares in constant time. */
    public boolean redeem(String presented) {
        String c = code.get();
        if (c == null || presented == null) {
            return false;
        }
        boolean match =
                MessageDigest.isEqual(c.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
        if (match && code.compareAndSet(c, null)) {
            log.info("the one-time login code was used; it is spent");
            return true;
        }
        return false;
    }
}
