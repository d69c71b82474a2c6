/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.core.CalmException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code calm} command line. Exit codes: 0 success, 2 usage error, 1 failure. A {@link CalmException} (a
 * problem the user can fix) prints one line, never a stack trace.
 */
@Command(
        name = "calm",
        mixinStandardHelpOptions = true,
        versionProvider = CalmCli.Version.class,
        description = "Continuous Autoregressive Language Models on the JVM.",
        subcommands = {QuickstartCommand.class, GenerateCommand.class, EvalCommand.class, BenchCommand.class,
                InfoCommand.class, CommandLine.HelpCommand.class})
public final class CalmCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Without a subcommand, print the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** @return the command line with the project's error handling, for {@code main} and for tests */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new CalmCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CalmException) {
                err.println("calm: " + e.getMessage());
            } else {
                err.println("calm: internal error: " + e);
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli;
    }

    /** The version from the jar manifest, with the engine it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CalmCli.class.getPackage().getImplementationVersion();
            return new String[] {"calm " + (v == null ? "(development build)" : v)};
        }
    }
}
