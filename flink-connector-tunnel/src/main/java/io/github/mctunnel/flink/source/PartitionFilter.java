package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.PartitionSpec;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.util.function.Predicate;

/** Selects partitions to read by their values; shipped with the source, so serializable. */
@PublicEvolving
@FunctionalInterface
public interface PartitionFilter extends Predicate<PartitionSpec>, Serializable {}
