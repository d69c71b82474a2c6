/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.core.Rng;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.StepModel;
import dev.calm.examples.pipeline.RunModels;
import dev.calm.sampling.Generation;
import dev.calm.sampling.GenerationConfig;
import dev.calm.sampling.Generations;
import dev.calm.sampling.Generator;
import dev.calm.sampling.TemperatureMethod;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calm generate}: continues prompts with a model trained by the quickstart (or laid out like it), or with
 * the model of a {@code --model-dir} (the reference implementation's layout), all prompts as one batch, with the
 * KV cache, at a temperature, and prints each continuation.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Continue prompts with a trained CALM or token baseline.")
final class GenerateCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--run-dir", defaultValue = "runs/quickstart", description = "the run directory with tokenizer.json and the models (default: ${DEFAULT-VALUE})")
    private Path runDir;

    @Option(names = "--model", defaultValue = RunModels.CALM, description = "calm or baseline (default: ${DEFAULT-VALUE})")
    private String model;

    @Option(names = {"-p", "--prompt"}, description = "text to continue, repeatable (one batch); required, on the "
            + "command line or in --config")
    private List<String> prompts = new ArrayList<>();

    @Option(names = {"-n", "--tokens"}, defaultValue = "64", description = "tokens to generate per prompt at most (default: ${DEFAULT-VALUE})")
    private int tokens;

    @Option(names = {"-t", "--temperature"}, defaultValue = "1.0", description = "T in (0, 1] (default: ${DEFAULT-VALUE})")
    private double temperature;

    @Option(names = "--method", defaultValue = "EXACT", description = "temperature sampling from CALM's samples: "
            + "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    private TemperatureMethod method;

    @Option(names = "--candidates", defaultValue = "200", description = "N of the batch method and of the exact "
            + "method's fallback (default: ${DEFAULT-VALUE})")
    private int candidates;

    @Option(names = "--no-stop", description = "keep generating after end-of-text")
    private boolean noStop;

    @CommandLine.Mixin
    private PretrainedOptions pretrained;

    @CommandLine.Mixin
    private RuntimeOptions runtime;

    @Override
    public Integer call() {
        GenerationConfig config = config();
        PrintWriter out = spec.commandLine().getOut();
        String name = pretrained.given() ? pretrained.kind().label() : model;
        try (Tokenizer tokenizer = pretrained.given() ? pretrained.tokenizer() : RunModels.tokenizer(runDir);
                NDManager root = runtime.open()) {
            StepModel m = pretrained.given() ? pretrained.languageModel(tokenizer, root)
                    : RunModels.load(runDir, model, tokenizer, root);
            Generations g = new Generator(m, tokenizer.eosId()).generate(tokenizer, prompts, config,
                    new Rng(runtime.seed()).fork("generate"));
            for (int i = 0; i < prompts.size(); i++) {
                Generation s = g.sequences().get(i);
                out.printf(Locale.ROOT, "%s%s%s%n", prompts.get(i), s.text(tokenizer), s.endOfText() ? " <eot>" : "");
            }
            out.printf(Locale.ROOT, "(%s, T = %s, %d tokens in %d steps, %,.0f tokens/s%s)%n", name, temperature,
                    g.tokens(), g.steps(), g.tokensPerSecond(),
                    g.fallbacks() > 0 ? ", " + g.fallbacks() + " exact-sampling fallbacks to the batch method" : "");
            out.flush();
        }
        return 0;
    }

    private GenerationConfig config() {
        if (prompts.isEmpty()) { // not required = true: a --config file may give the prompts
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--prompt'");
        }
        if (prompts.stream().anyMatch(String::isEmpty)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--prompt must not be empty");
        }
        if (!(temperature > 0 && temperature <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--temperature must be in (0, 1], got " + temperature);
        }
        if (tokens < 1 || candidates < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tokens and --candidates must be >= 1");
        }
        if (!model.equals(RunModels.CALM) && !model.equals(RunModels.BASELINE)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--model must be calm or baseline, got '" + model + "'");
        }
        return new GenerationConfig(tokens, temperature, !noStop, method, candidates);
    }
}
