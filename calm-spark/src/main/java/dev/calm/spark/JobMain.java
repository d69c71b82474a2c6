/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.spark;

import dev.calm.core.CalmException;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * What the jobs' {@code main} methods share: the session spark-submit configures, and the project's exit codes
 * (2 and one line for a usage error, 1 and one line for a {@link CalmException}).
 */
final class JobMain {

    /** A job's body. */
    @FunctionalInterface
    interface Body {
        void run(SparkSession spark, String[] args);
    }

    private JobMain() {}

    static void run(String job, String usage, int minArgs, String[] args, Body body) {
        if (args.length < minArgs || args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.err.println("usage: spark-submit --class dev.calm.spark." + job + " calm-spark.jar " + usage);
            System.exit(args.length < minArgs ? 2 : 0);
        }
        SparkSession spark = SparkSession.builder().appName("calm " + job).getOrCreate();
        int exit = 0;
        try {
            body.run(spark, args);
        } catch (NumberFormatException e) {
            System.err.println("calm " + job + ": not a number: " + e.getMessage() + "; usage: " + usage);
            exit = 2;
        } catch (IllegalArgumentException e) {
            System.err.println("calm " + job + ": " + e.getMessage() + "; usage: " + usage);
            exit = 2;
        } catch (CalmException e) {
            System.err.println("calm " + job + ": " + e.getMessage());
            exit = 1;
        } finally {
            spark.stop();
        }
        System.exit(exit);
    }

    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}
