/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.engine.Engine;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code calm info}: what this machine offers the library. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the Java, DJL engine, libtorch threads and devices this machine offers.")
final class InfoCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Engine engine = Backend.engine();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("java            %s (%s)%n", System.getProperty("java.version"), System.getProperty("java.vendor"));
        out.printf("engine          %s %s (DJL %s)%n", engine.getEngineName(), engine.getVersion(), Engine.getDjlVersion());
        out.printf("cpu cores       %d%n", Runtime.getRuntime().availableProcessors());
        out.printf("torch threads   %d%n", Backend.threads());
        out.printf("gpus            %d%n", engine.getGpuCount());
        out.printf("default device  %s%n", Device.auto());
        out.flush();
        return 0;
    }
}
