package io.shardcast.testkit.chart;

/** A shaded stretch of the x axis with a label: a fault's window, say. */
public record Span(double from, double to, String label) {}
