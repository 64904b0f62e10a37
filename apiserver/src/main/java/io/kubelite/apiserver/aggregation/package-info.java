/**
 * The API aggregation layer, as kube-aggregator's: APIServices register group-versions that the
 * API server serves itself ({@link io.kubelite.apiserver.aggregation.LocalApiServices}) or proxies
 * to a Service ({@link io.kubelite.apiserver.aggregation.AggregationProxy}); the availability
 * check ({@link io.kubelite.apiserver.aggregation.ApiServiceAvailability}) writes each one's
 * Available condition and feeds discovery the resources each backend lists
 * ({@link io.kubelite.apiserver.aggregation.AggregatedApis}).
 */
package io.kubelite.apiserver.aggregation;
