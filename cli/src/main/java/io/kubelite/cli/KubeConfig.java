package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.ApiJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parts of a kubeconfig kl uses: the current context's cluster server and CA, user token or
 * client certificate and key (PEM, inline as {@code *-data} or as files, relative paths taken
 * from the kubeconfig's directory as kubectl does), and namespace. Lookup order: {@code --kubeconfig}, {@code $KUBECONFIG} (the first
 * existing file of its path list), {@code ./.kubelite/kubeconfig}, {@code ~/.kube/config}.
 */
record KubeConfig(
        String server, String token, String namespace, String insecure, byte[] caPem, byte[] certPem, byte[] keyPem) {
    static final KubeConfig EMPTY = new KubeConfig(null, null, null, null, null, null, null);

    static List<Path> candidates(String explicit, Map<String, String> env) {
        List<Path> out = new ArrayList<>();
        if (explicit != null && !explicit.isEmpty()) {
            out.add(Path.of(explicit));
            return out;
        }
        String kc = env.get("KUBECONFIG");
        if (kc != null && !kc.isEmpty()) {
            for (String p : kc.split(java.io.File.pathSeparator)) {
                if (!p.isEmpty()) {
                    out.add(Path.of(p));
                }
            }
            return out;
        }
        out.add(Path.of(".kubelite", "kubeconfig"));
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        out.add(Path.of(home, ".kube", "config"));
        return out;
    }

    static KubeConfig load(String explicit, Map<String, String> env) {
        for (Path p : candidates(explicit, env)) {
            if (Files.isRegularFile(p)) {
                try {
                    return parse(Files.readString(p), p.toString());
                } catch (IOException e) {
                    throw new KlException("error: cannot read kubeconfig " + p + ": " + e.getMessage());
                }
            }
            if (explicit != null && !explicit.isEmpty()) {
                throw new KlException("error: stat " + explicit + ": no such file or directory");
            }
        }
        return EMPTY;
    }

    static KubeConfig parse(String text, String where) {
        JsonNode doc;
        try {
            doc = ApiJson.documents(text).get(0);
        } catch (RuntimeException e) {
            throw new KlException("error: loading config file \"" + where + "\": " + e.getMessage());
        }
        String current = doc.path("current-context").asText("");
        JsonNode ctx = named(doc.path("contexts"), current).path("context");
        String cluster = ctx.path("cluster").asText("");
        String user = ctx.path("user").asText("");
        String ns = ctx.path("namespace").asText(null);
        JsonNode c = named(doc.path("clusters"), cluster).path("cluster");
        JsonNode u = named(doc.path("users"), user).path("user");
        String token = u.path("token").asText(null);
        if (token == null && u.has("tokenFile")) {
            try {
                token = Files.readString(Path.of(u.path("tokenFile").asText())).trim();
            } catch (IOException e) {
                throw new KlException("error: reading tokenFile: " + e.getMessage());
            }
        }
        Path base = Path.of(where).toAbsolutePath().getParent();
        byte[] ca = pem(c, "certificate-authority", where, base);
        byte[] cert = pem(u, "client-certificate", where, base);
        byte[] key = pem(u, "client-key", where, base);
        if ((cert == null) != (key == null)) {
            throw new KlException("error: loading config file \"" + where + "\": "
                    + (cert == null
                            ? "client-key without client-certificate"
                            : "client-certificate without client-key"));
        }
        return new KubeConfig(
                c.path("server").asText(null),
                token,
                ns,
                c.path("insecure-skip-tls-verify").asText(null),
                ca,
                cert,
                key);
    }

    /** {@code NAME-data} (base64 PEM) or the file {@code NAME} of a cluster or user entry; null when neither. */
    private static byte[] pem(JsonNode entry, String name, String where, Path base) {
        if (entry.hasNonNull(name + "-data")) {
            try {
                return java.util.Base64.getMimeDecoder()
                        .decode(entry.path(name + "-data").asText());
            } catch (IllegalArgumentException e) {
                throw new KlException("error: loading config file \"" + where + "\": " + name + "-data is not base64");
            }
        }
        if (entry.hasNonNull(name)) {
            Path file = Path.of(entry.path(name).asText());
            if (!file.isAbsolute() && base != null) {
                file = base.resolve(file);
            }
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new KlException("error: unable to read " + name + " " + file + ": " + e.getMessage());
            }
        }
        return null;
    }

    private static JsonNode named(JsonNode arr, String name) {
        for (JsonNode n : arr) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
