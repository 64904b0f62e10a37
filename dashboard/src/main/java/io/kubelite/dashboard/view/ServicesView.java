package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.cache.ResourceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Services with their endpoints and DNS names. Per Service: type, cluster IPs, ports (with node
 * ports), selector; its endpoints from the EndpointSlices labelled {@code
 * kubernetes.io/service-name} (each address with its ready/serving/terminating conditions, read as
 * the API defines an unset one: ready and serving unknown mean true, terminating false; the pod it
 * targets, its node and hostname); and the names the cluster DNS serves for it, per the
 * Kubernetes DNS-Based Service Discovery specification: {@code svc.ns.svc.DOMAIN} (A/AAAA to the
 * cluster IP, or to the ready endpoints when headless; a CNAME to {@code externalName} for
 * ExternalName), {@code hostname.svc.ns.svc.DOMAIN} per headless endpoint with a hostname, and
 * {@code _port._proto.svc.ns.svc.DOMAIN} SRV names for named ports.
 */
final class ServicesView implements View {
    private static final String SERVICE_NAME = "kubernetes.io/service-name";

    private final ViewContext ctx;

    ServicesView(ViewContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "services";
    }

    @Override
    public List<ResourceType> reads() {
        return List.of(ResourceType.SERVICES, ResourceType.ENDPOINT_SLICES);
    }

    @Override
    public ViewModel render(ViewQuery query) {
        Map<String, List<JsonNode>> slicesByService = new HashMap<>();
        for (JsonNode slice : ctx.caches().of(ResourceType.ENDPOINT_SLICES).objects()) {
            JsonNode meta = slice.path("metadata");
            String service = meta.path("labels").path(SERVICE_NAME).asText("");
            if (!service.isEmpty() && query.includes(meta.path("namespace").asText())) {
                slicesByService
                        .computeIfAbsent(meta.path("namespace").asText() + "/" + service, k -> new ArrayList<>())
                        .add(slice);
            }
        }
        Map<String, ObjectNode> items = new TreeMap<>();
        int endpoints = 0;
        for (JsonNode svc : ctx.caches().of(ResourceType.SERVICES).objects()) {
            String ns = svc.path("metadata").path("namespace").asText();
            if (!query.includes(ns)) {
                continue;
            }
            String key = ns + "/" + svc.path("metadata").path("name").asText();
            ObjectNode row = row(svc, slicesByService.getOrDefault(key, List.of()));
            endpoints += row.path("endpoints").size();
            items.put(key, row);
        }
        return new ViewModel(
                Json.object()
                        .put("count", items.size())
                        .put("endpoints", endpoints)
                        .put("clusterDomain", ctx.clusterDomain()),
                items);
    }

    private ObjectNode row(JsonNode svc, List<JsonNode> slices) {
        JsonNode meta = svc.path("metadata");
        JsonNode spec = svc.path("spec");
        String ns = meta.path("namespace").asText();
        String name = meta.path("name").asText();
        String type = spec.path("type").asText("ClusterIP");
        String clusterIP = spec.path("clusterIP").asText("");
        boolean headless = clusterIP.equals("None");
        ObjectNode row = Json.object()
                .put("namespace", ns)
                .put("name", name)
                .put("type", type)
                .put("headless", headless)
                .put("externalName", spec.path("externalName").asText(""))
                .put("created", meta.path("creationTimestamp").asText(""));
        ArrayNode ips = row.putArray("clusterIPs");
        for (JsonNode ip : spec.path("clusterIPs")) {
            ips.add(ip.asText());
        }
        if (ips.isEmpty() && !clusterIP.isEmpty()) {
            ips.add(clusterIP);
        }
        ArrayNode ports = row.putArray("ports");
        for (JsonNode p : spec.path("ports")) {
            ports.addObject()
                    .put("name", p.path("name").asText(""))
                    .put("port", p.path("port").asInt())
                    .put("targetPort", p.path("targetPort").asText(""))
                    .put("nodePort", p.path("nodePort").asInt(0))
                    .put("protocol", p.path("protocol").asText("TCP"));
        }
        ObjectNode selector = row.putObject("selector");
        spec.path("selector")
                .fields()
                .forEachRemaining(e -> selector.put(e.getKey(), e.getValue().asText()));

        ArrayNode endpoints = row.putArray("endpoints");
        List<String> hostnames = new ArrayList<>();
        for (JsonNode slice : slices) {
            StringBuilder slicePorts = new StringBuilder();
            for (JsonNode p : slice.path("ports")) {
                slicePorts
                        .append(slicePorts.length() == 0 ? "" : ", ")
                        .append(
                                p.path("name").asText("").isEmpty()
                                        ? ""
                                        : p.path("name").asText() + " ")
                        .append(p.path("port").asInt())
                        .append('/')
                        .append(p.path("protocol").asText("TCP"));
            }
            for (JsonNode ep : slice.path("endpoints")) {
                JsonNode c = ep.path("conditions");
                boolean ready = c.path("ready").asBoolean(true);
                ObjectNode e = endpoints
                        .addObject()
                        .put("addresses", join(ep.path("addresses")))
                        .put("ready", ready)
                        .put("serving", c.path("serving").asBoolean(ready))
                        .put("terminating", c.path("terminating").asBoolean(false))
                        .put("node", ep.path("nodeName").asText(""))
                        .put("zone", ep.path("zone").asText(""))
                        .put("hostname", ep.path("hostname").asText(""))
                        .put("ports", slicePorts.toString())
                        .put("slice", slice.path("metadata").path("name").asText());
                JsonNode target = ep.path("targetRef");
                if (target.path("kind").asText().equals("Pod")) {
                    e.put("pod", target.path("name").asText());
                }
                if (headless && !ep.path("hostname").asText("").isEmpty()) {
                    hostnames.add(ep.path("hostname").asText());
                }
            }
        }
        row.set("dns", dns(ns, name, type, headless, row.path("externalName").asText(), spec, hostnames));
        return row;
    }

    private ArrayNode dns(
            String ns,
            String name,
            String type,
            boolean headless,
            String externalName,
            JsonNode spec,
            List<String> hostnames) {
        String fqdn = name + "." + ns + ".svc." + ctx.clusterDomain();
        ArrayNode dns = Json.MAPPER.createArrayNode();
        if (type.equals("ExternalName")) {
            dns.addObject().put("name", fqdn).put("record", "CNAME").put("to", externalName);
            return dns;
        }
        dns.addObject()
                .put("name", fqdn)
                .put("record", "A/AAAA")
                .put("to", headless ? "the ready endpoints' addresses" : "the cluster IP");
        for (String h : hostnames.stream().distinct().sorted().toList()) {
            dns.addObject().put("name", h + "." + fqdn).put("record", "A/AAAA").put("to", "that endpoint");
        }
        for (JsonNode p : spec.path("ports")) {
            String port = p.path("name").asText("");
            if (!port.isEmpty()) {
                dns.addObject()
                        .put(
                                "name",
                                "_" + port + "._"
                                        + p.path("protocol").asText("TCP").toLowerCase() + "." + fqdn)
                        .put("record", "SRV")
                        .put("to", "port " + p.path("port").asInt());
            }
        }
        return dns;
    }

    private static String join(JsonNode addresses) {
        List<String> a = new ArrayList<>();
        addresses.forEach(x -> a.add(x.asText()));
        return String.join(", ", a);
    }
}
