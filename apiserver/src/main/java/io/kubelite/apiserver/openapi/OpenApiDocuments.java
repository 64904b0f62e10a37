package io.kubelite.apiserver.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI documents of the served built-in kinds (the registry's, {@link Kinds}, as --runtime-config leaves them) and of the served custom
 * resources ({@link CustomResourceOpenApi}), kept as bytes: the Swagger 2.0 document ({@code /openapi/v2}), and OpenAPI 3 — one document per group
 * version ({@code /openapi/v3/api/v1}, {@code /openapi/v3/apis/apps/v1}) and the index
 * ({@code /openapi/v3}) whose {@code serverRelativeURL}s carry each document's hash, so clients
 * cache a document until it changes. Immutable and thread-safe once built: a change of the CRDs
 * makes a new instance ({@link #withCustomResources}), which reuses the built-in group versions'
 * documents.
 */
public final class OpenApiDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One document's bytes and their hash (its ETag, and its URL's {@code hash}). */
    public record Document(byte[] bytes, String hash) {
        static Document of(byte[] bytes) {
            return new Document(bytes, OpenApiDocuments.hash(bytes));
        }
    }

    private final String version;
    /** The served built-in kinds' resources. */
    private final List<Resource<? extends Message>> resources;

    private final Document v2;
    private final Document v3Index;
    /** The built-in kinds' documents, by group version, in registry order. */
    private final Map<String, Document> builtIn;

    private final Map<String, Document> v3ByGroupVersion;

    private OpenApiDocuments(
            String version,
            List<Resource<? extends Message>> resources,
            Document v2,
            Map<String, Document> builtIn,
            Map<String, Document> custom) {
        this.version = version;
        this.resources = resources;
        this.v2 = v2;
        this.builtIn = builtIn;
        Map<String, Document> all = new LinkedHashMap<>(builtIn);
        custom.forEach(all::putIfAbsent); // a CRD cannot take over a built-in group version
        this.v3ByGroupVersion = java.util.Collections.unmodifiableMap(all);
        ObjectNode index = NODES.objectNode();
        ObjectNode paths = index.putObject("paths");
        all.forEach(
                (gv, doc) -> paths.putObject(gv).put("serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + doc.hash()));
        this.v3Index = Document.of(bytes(index));
    }

    /**
     * Generates the documents of the served built-in kinds ({@code resources}: the registry's, less
     * the group-versions {@code --runtime-config} leaves off); {@code version} is the server's gitVersion.
     */
    public static OpenApiDocuments generate(String version, List<Resource<? extends Message>> resources) {
        Map<String, List<Resource<? extends Message>>> byGv = new LinkedHashMap<>();
        for (Resource<? extends Message> r : resources) {
            String gv = r.group().isEmpty() ? "api/" + r.version() : "apis/" + r.group() + "/" + r.version();
            byGv.computeIfAbsent(gv, k -> new ArrayList<>()).add(r);
        }
        Map<String, Document> docs = new LinkedHashMap<>();
        byGv.forEach((gv, inGv) -> docs.put(gv, Document.of(bytes(v3(inGv, List.of())))));
        return new OpenApiDocuments(
                version,
                List.copyOf(resources),
                Document.of(bytes(v2(version, resources, List.of()))),
                java.util.Collections.unmodifiableMap(docs),
                Map.of());
    }

    /**
     * These documents with the served versions of {@code crds} added (and those of any CRD before
     * them dropped): the Swagger 2.0 document and the custom group versions' documents are made
     * anew, the built-in ones reused. A CRD that is not established, or is being deleted, adds nothing.
     */
    public OpenApiDocuments withCustomResources(List<CustomResourceDefinition> crds) {
        List<CustomResourceOpenApi.ServedVersion> served = new ArrayList<>();
        crds.stream()
                .sorted(Comparator.comparing(c -> c.getMetadata().getName()))
                .forEach(c -> served.addAll(CustomResourceOpenApi.served(c)));
        Map<String, List<CustomResourceOpenApi.ServedVersion>> byGv = new TreeMap<>();
        for (CustomResourceOpenApi.ServedVersion v : served) {
            byGv.computeIfAbsent(v.groupVersionPath(), k -> new ArrayList<>()).add(v);
        }
        Map<String, Document> custom = new LinkedHashMap<>();
        byGv.forEach((gv, versions) -> custom.put(gv, Document.of(bytes(v3(List.of(), versions)))));
        return new OpenApiDocuments(
                version, resources, Document.of(bytes(v2(version, resources, served))), builtIn, custom);
    }

    /** The Swagger 2.0 document, JSON. */
    public Document v2() {
        return v2;
    }

    /** The OpenAPI 3 index: group version → {@code serverRelativeURL}. */
    public Document v3Index() {
        return v3Index;
    }

    /** The OpenAPI 3 document of {@code groupVersion} ({@code api/v1}, {@code apis/apps/v1}), or null. */
    public Document v3(String groupVersion) {
        return v3ByGroupVersion.get(groupVersion);
    }

    private static String hash(byte[] document) {
        try {
            return HexFormat.of()
                    .withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-512").digest(document));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-512", e);
        }
    }

    private static ObjectNode v2(
            String version,
            List<Resource<? extends Message>> resources,
            List<CustomResourceOpenApi.ServedVersion> custom) {
        SchemaGenerator schemas = new SchemaGenerator(false);
        Operations operations = new Operations(schemas, false);
        ObjectNode doc = NODES.objectNode();
        doc.put("swagger", "2.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", version);
        ObjectNode paths = doc.putObject("paths");
        for (Resource<? extends Message> r : resources) {
            operations.add(paths, r, addKind(schemas, r));
        }
        for (CustomResourceOpenApi.ServedVersion v : custom) {
            CustomResourceOpenApi.add(paths, schemas, operations, v, false);
        }
        doc.set("definitions", definitions(schemas));
        return doc;
    }

    private static ObjectNode v3(
            List<Resource<? extends Message>> resources, List<CustomResourceOpenApi.ServedVersion> custom) {
        SchemaGenerator schemas = new SchemaGenerator(true);
        Operations operations = new Operations(schemas, true);
        ObjectNode doc = NODES.objectNode();
        doc.put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", "unversioned");
        ObjectNode paths = doc.putObject("paths");
        for (Resource<? extends Message> r : resources) {
            operations.add(paths, r, addKind(schemas, r));
        }
        for (CustomResourceOpenApi.ServedVersion v : custom) {
            CustomResourceOpenApi.add(paths, schemas, operations, v, true);
        }
        doc.putObject("components").set("schemas", definitions(schemas));
        return doc;
    }

    /** Adds the kind's type, marked with its group, version and kind as kube marks it. */
    private static String addKind(SchemaGenerator schemas, Resource<? extends Message> r) {
        String name = schemas.add(r.prototype().getDescriptorForType());
        schemas.definition(name)
                .putArray("x-kubernetes-group-version-kind")
                .addObject()
                .put("group", r.group())
                .put("kind", r.kind())
                .put("version", r.version());
        return name;
    }

    private static ObjectNode definitions(SchemaGenerator schemas) {
        ObjectNode out = NODES.objectNode();
        schemas.definitions().forEach(out::set);
        return out;
    }

    private static byte[] bytes(ObjectNode doc) {
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
