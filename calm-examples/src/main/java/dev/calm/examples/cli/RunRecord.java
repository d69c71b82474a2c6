/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.core.config.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What a command was run with, written into its run directory as {@code <command>.config.json} (for example
 * {@code quickstart.config.json}, {@code train-calm.config.json}): the command, the effective value of every
 * option once the built-in defaults, the {@code --config} file and the command line are merged, the raw
 * arguments, the version and the time. Its {@code options} object is itself a valid {@code --config} file, so a
 * run can be repeated exactly.
 *
 * @param command the command, e.g. "calm tokenizer train"
 * @param version the calm version that ran it
 * @param timestamp when it started, UTC (ISO-8601)
 * @param args the raw command-line arguments
 * @param options every option's effective value, by key (the long name without dashes)
 */
record RunRecord(String command, String version, String timestamp, List<String> args, Map<String, Object> options) {

    /** The suffix of every record's file name. */
    static final String SUFFIX = ".config.json";

    /**
     * The record of the command being run.
     *
     * @param spec the command, after its arguments were parsed
     * @return its record
     */
    static RunRecord of(CommandSpec spec) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (!o.usageHelp() && !o.versionHelp()) {
                options.put(ConfigFile.key(o), ConfigFile.plain(o.getValue()));
            }
        }
        CommandSpec root = spec.root();
        List<String> args = root.commandLine().getParseResult() == null ? List.of()
                : root.commandLine().getParseResult().originalArgs();
        return new RunRecord(spec.qualifiedName(" "), new CalmCli.Version().getVersion()[0],
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), args, options);
    }

    /**
     * Writes the record of the command being run, atomically, to {@code runDir/<name>.config.json}.
     *
     * @param spec the command, after its arguments were parsed
     * @param runDir its run directory
     * @param name the file's name before {@value #SUFFIX}, e.g. "quickstart" or "train-calm"
     * @return the file written
     */
    static Path write(CommandSpec spec, Path runDir, String name) {
        Path file = runDir.resolve(name + SUFFIX);
        Json.write(file, of(spec));
        return file;
    }

    /**
     * Writes the record of the command being run under the command's own name ("tokenizer train" becomes
     * {@code tokenizer-train.config.json}).
     *
     * @param spec the command, after its arguments were parsed
     * @param runDir its run directory
     * @return the file written
     */
    static Path write(CommandSpec spec, Path runDir) {
        return write(spec, runDir, spec.qualifiedName("-").replaceFirst("^" + spec.root().name() + "-", ""));
    }
}
