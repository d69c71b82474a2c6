/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one Spark session every test shares: {@code local[2]}, started in this JVM on first use (a few seconds),
 * no UI, small partitions so that even a test corpus is split into several tasks, and stopped when the JVM exits.
 */
final class LocalSpark {

    private static SparkSession session;

    private LocalSpark() {}

    static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder()
                    .appName("calm-spark-tests")
                    .master("local[2]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "3")
                    .config("spark.default.parallelism", "3")
                    .config("spark.sql.files.maxPartitionBytes", "2048") // several splits per test file
                    .config("spark.sql.files.openCostInBytes", "0")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }
}
