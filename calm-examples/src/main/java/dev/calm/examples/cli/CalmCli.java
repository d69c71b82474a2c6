/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.core.CalmException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code calm} command line. Exit codes: 0 success, 2 usage error, 1 failure. A usage error and a
 * {@link CalmException} (a problem the user can fix) print one line, {@code calm: ...}, never a stack trace.
 * Every command takes {@code --config FILE} ({@link ConfigFile}); those that write into a run directory record
 * what they ran with there ({@link RunRecord}).
 */
@Command(
        name = "calm",
        mixinStandardHelpOptions = true,
        versionProvider = CalmCli.Version.class,
        description = "Continuous Autoregressive Language Models on the JVM.",
        subcommands = {QuickstartCommand.class, TokenizerCommand.class, TrainAutoencoderCommand.class,
                TrainCommand.class, GenerateCommand.class, EvalCommand.class, EncodeCommand.class, InspectCommand.class,
                ConvertCommand.class, PrepareCommand.class, BenchCommand.class, InfoCommand.class,
                CommandLine.HelpCommand.class})
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
        System.exit(newCommandLine(args).execute(args));
    }

    /**
     * The command line with the project's error handling, for {@code main} and for tests.
     *
     * @param args the arguments it will execute: a {@code --config FILE} among them supplies the defaults
     * @return the command line
     */
    public static CommandLine newCommandLine(String... args) {
        CommandLine cli = new CommandLine(new CalmCli());
        addConfigOption(cli);
        cli.setDefaultValueProvider(ConfigFile.defaults(args));
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine command = e.getCommandLine();
            PrintWriter err = command.getErr();
            String suggestions = e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
                    ? " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)" : "";
            err.println("calm: " + e.getMessage() + suggestions + "; see '"
                    + command.getCommandSpec().qualifiedName(" ") + " --help'");
            err.flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CalmException) {
                err.println("calm: " + e.getMessage());
            } else if (e instanceof UncheckedIOException || e instanceof IOException) {
                Throwable io = e instanceof UncheckedIOException u ? u.getCause() : e;
                err.println("calm: " + (e.getMessage() == null || e == io ? "" : e.getMessage() + ": ") + io);
            } else {
                err.println("calm: internal error: " + e);
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli;
    }

    /** {@value ConfigFile#OPTION} on every command that runs something (not on the root, groups or help). */
    private static void addConfigOption(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (sub.getSubcommands().isEmpty()) {
                if (!(sub.getCommand() instanceof CommandLine.HelpCommand)
                        && sub.getCommandSpec().findOption(ConfigFile.OPTION) == null) { // an alias seen twice
                    ConfigFile.addOption(sub.getCommandSpec());
                }
            } else {
                addConfigOption(sub);
            }
        }
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
