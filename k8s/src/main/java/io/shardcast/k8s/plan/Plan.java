package io.shardcast.k8s.plan;

import java.util.List;

/**
 * What the operator does next and how it reports the cluster: the steps, in order, and the
 * {@code Progressing} and {@code Degraded} conditions' reasons.
 *
 * @param progressing why the cluster is changing ({@code ScalingOut}, {@code ScalingIn},
 *     {@code RollingUpdate}, {@code ScaleInHeldForSale}, {@code RollHeldForSale}, {@code Paused}); null when stable
 * @param degraded why it cannot reach what is asked ({@code PodCrashLooping}, {@code PodNotReady}); null when not
 * @param message the details, for the conditions' message and the Events
 */
public record Plan(List<Step> steps, String progressing, String degraded, String message) {}
