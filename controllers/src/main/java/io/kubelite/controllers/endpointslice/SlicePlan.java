package io.kubelite.controllers.endpointslice;

import io.kubelite.api.discovery.EndpointSlice;
import java.util.List;

/**
 * The writes that bring a Service's EndpointSlices to the desired state: slices to create (with
 * {@code generateName}), to update in place (carrying the stored slice's resourceVersion) and to
 * delete; {@code podsOnMissingNodes} when some pod was left out because its Node is not known
 * yet (the Service is synced again later, as kube's controller retries it).
 */
record SlicePlan(
        List<EndpointSlice> create,
        List<EndpointSlice> update,
        List<EndpointSlice> delete,
        boolean podsOnMissingNodes) {

    boolean isEmpty() {
        return create.isEmpty() && update.isEmpty() && delete.isEmpty();
    }
}
