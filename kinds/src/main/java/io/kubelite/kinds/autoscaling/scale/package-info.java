/**
 * The {@code scale} subresource's view of a scalable kind ({@link io.kubelite.kinds.autoscaling.scale.Scalable}) and the
 * string form of its selector ({@link io.kubelite.kinds.autoscaling.scale.ScaleSelectors}).
 */
package io.kubelite.kinds.autoscaling.scale;
