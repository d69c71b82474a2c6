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
        for (Supplier<String> check : checks) {
            String problem = check.get();
            if (problem != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), problem);
            }
        }
    }
}
