package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubelite.api.ApiJson;
import io.kubelite.api.TypeMeta;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The objects that {@code -f} arguments name, for apply, create and delete. An argument is a file, a
 * directory (its .yaml, .yml and .json files, in name order) or "-" for stdin; each holds one or more
 * YAML or JSON documents, and a document of a kind ending in "List" stands for its items.
 */
final class Manifests {
    /** One object of a manifest: its resource, and the namespace it belongs in (null when cluster-scoped). */
    record Manifest(Resource<? extends Message> resource, String namespace, JsonNode object) {}

    private final KlContext ctx;

    Manifests(KlContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Every document of every argument, in order. All are read before the caller acts on any, so a
     * path that does not exist or a document that does not parse fails the command before a request.
     */
    List<JsonNode> read(List<String> files) {
        List<JsonNode> out = new ArrayList<>();
        for (String f : files) {
            try {
                if (f.equals("-")) {
                    out.addAll(parse(new String(ctx.in().readAllBytes(), StandardCharsets.UTF_8), "STDIN"));
                    continue;
                }
                Path p = Path.of(f);
                if (Files.isDirectory(p)) {
                    try (Stream<Path> s = Files.list(p)) {
                        for (Path x : s.sorted().toList()) {
                            String n = x.getFileName().toString();
                            if (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json")) {
                                out.addAll(parse(Files.readString(x), x.toString()));
                            }
                        }
                    }
                } else if (Files.isRegularFile(p)) {
                    out.addAll(parse(Files.readString(p), f));
                } else {
                    throw new KlException("error: the path \"" + f + "\" does not exist");
                }
            } catch (IOException e) {
                throw new KlException("error: " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * The resource and namespace of one document, with kubectl's errors for a document without
     * apiVersion and kind, a kind the server does not serve, or a namespace that contradicts {@code -n}.
     */
    Manifest resolve(JsonNode doc) {
        Resource<? extends Message> r = resourceOf(doc);
        return new Manifest(r, namespaceOf(r, doc), doc);
    }

    private static List<JsonNode> parse(String text, String where) {
        try {
            List<JsonNode> docs = new ArrayList<>();
            for (JsonNode d : ApiJson.documents(text)) {
                if (d.path("kind").asText().endsWith("List") && d.has("items")) {
                    d.path("items").forEach(docs::add);
                } else {
                    docs.add(d);
                }
            }
            return docs;
        } catch (RuntimeException e) {
            throw new KlException("error: error parsing " + where + ": " + e.getMessage());
        }
    }

    private static Resource<? extends Message> resourceOf(JsonNode doc) {
        TypeMeta tm = TypeMeta.of(doc);
        if (tm.kind().isEmpty() || tm.apiVersion().isEmpty()) {
            throw new KlException("error: error validating data: [apiVersion not set, kind not set]; "
                    + "every object needs apiVersion and kind");
        }
        return Kinds.byKind(tm.apiVersion(), tm.kind())
                .orElseThrow(() -> new KlException("error: resource mapping not found for name: \""
                        + doc.path("metadata").path("name").asText()
                        + "\" kind: \"" + tm.kind() + "\" from \"" + tm.apiVersion() + "\": no matches for kind \""
                        + tm.kind() + "\" in version \"" + tm.apiVersion() + "\""));
    }

    private String namespaceOf(Resource<?> r, JsonNode doc) {
        if (!r.namespaced()) {
            return null;
        }
        String n = doc.path("metadata").path("namespace").asText("");
        String flag = ctx.namespaceFlag();
        if (!n.isEmpty() && flag != null && !flag.equals(n)) {
            throw new KlException("error: the namespace from the provided object \"" + n
                    + "\" does not match the namespace \"" + flag + "\". You must pass '--namespace=" + n
                    + "' to perform this operation.");
        }
        return n.isEmpty() ? ctx.namespace() : n;
    }
}
