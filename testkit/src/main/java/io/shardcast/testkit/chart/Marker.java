package io.shardcast.testkit.chart;

/** A labelled vertical line at one x: an instant such as a sale's reveal. */
public record Marker(double at, String label) {}
