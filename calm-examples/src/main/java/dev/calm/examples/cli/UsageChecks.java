/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * A command's option checks, run in order: the first problem found becomes picocli's usage error (one line,
 * exit 2), and the checks after it do not run.
 */
final class UsageChecks {

    private UsageChecks() {}

    /**
     * @param spec the command whose options are checked
     * @param checks each returns what is wrong with the options, or null
     * @throws CommandLine.ParameterException with the first problem
     */
    @SafeVarargs
    static void require(CommandLine.Model.CommandSpec spec, Supplier<String>... checks) {
        String problem = first(checks);
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
    }

    /**
     * @param checks each returns what is wrong, or null
     * @return the first problem, or null when every check passes (the checks after a problem do not run)
     */
    @SafeVarargs
    static String first(Supplier<String>... checks) {
        for (Supplier<String> check : checks) {
            String problem = check.get();
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * @param option the option's name, such as {@code --minutes}
     * @param value its value
     * @return "OPTION must be a finite number &gt; 0, got VALUE", or null when it is one
     */
    static String positiveFinite(String option, double value) {
        return value > 0 && Double.isFinite(value) ? null : option + " must be a finite number > 0, got " + value;
    }

    /**
     * @param option the option's name, such as {@code --ae-kl-weight}
     * @param value its value
     * @return "OPTION must be a finite number &gt;= 0, got VALUE", or null when it is one
     */
    static String nonNegativeFinite(String option, double value) {
        return value >= 0 && Double.isFinite(value) ? null : option + " must be a finite number >= 0, got " + value;
    }
}
