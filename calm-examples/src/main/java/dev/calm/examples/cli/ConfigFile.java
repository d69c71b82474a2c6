/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.config.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option values from a JSON file, {@code --config FILE}: one object whose keys are the long option names without
 * their dashes, e.g. {@code {"vocab": 4096, "lm-minutes": 3, "prompt": ["The jury said"]}}. The file's values
 * replace the built-in defaults, and options given on the command line win over the file. A {@code null} value
 * keeps the built-in default. The {@code options} object of a run record ({@link RunRecord}) is such a file.
 *
 * <p>picocli applies defaults before it parses the arguments, so the file is found by scanning the arguments
 * ({@link #defaults(String...)}); it is read once the command being run is known, and an unknown key, a value of
 * the wrong JSON type, or an unreadable or malformed file is a usage error naming the key or the file.
 */
final class ConfigFile {

    /** The option every command has. */
    static final String OPTION = "--config";

    private ConfigFile() {}

    /**
     * Adds {@value #OPTION} to a command.
     *
     * @param command the command
     */
    static void addOption(CommandSpec command) {
        command.addOption(OptionSpec.builder(OPTION).paramLabel("FILE").type(Path.class)
                .description("option values from a JSON file, keys named as the long options without dashes, "
                        + "e.g. {\"vocab\": 4096, \"lm-minutes\": 3}; the command line wins over the file")
                .build());
    }

    /**
     * @param args the command line
     * @return the defaults of the {@value #OPTION} file named in {@code args}, or no defaults without one
     */
    static CommandLine.IDefaultValueProvider defaults(String... args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].startsWith(OPTION + "=")) {
                file = Path.of(args[i].substring(OPTION.length() + 1));
            }
        }
        return file == null ? arg -> null : new Defaults(file);
    }

    /** The values of one file, checked against the command's options the first time that command asks. */
    private static final class Defaults implements CommandLine.IDefaultValueProvider {

        private final Path file;
        private Map<String, JsonNode> values;
        private CommandSpec checked;

        Defaults(Path file) {
            this.file = file;
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            CommandSpec command = arg.command();
            if (!(arg instanceof OptionSpec option) || command.findOption(OPTION) == null) {
                return null; // the root and the command groups take no --config
            }
            if (checked != command) {
                values = read(command);
                checkKeys(command);
                checked = command;
            }
            JsonNode value = values.get(key(option));
            if (value == null || value.isNull() || option.longestName().equals(OPTION)) {
                return null;
            }
            if (option.isMultiValue()) {
                return elements(option, value);
            }
            if (option.arity().max() == 0) { // a flag: set it, so that the flag on the command line stays true
                option.setValue(scalar(option, value, JsonNode::isBoolean, "true or false").asBoolean());
                return null;
            }
            return scalar(option, value, kindCheck(option.type()), kindName(option.type())).asText();
        }

        private Map<String, JsonNode> read(CommandSpec command) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw usage(command, "cannot read " + OPTION + " " + file + ": " + (Files.exists(file)
                        ? (Files.isDirectory(file) ? "it is a directory" : e.getMessage()) : "no such file"));
            }
            JsonNode tree;
            try {
                tree = Json.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                throw usage(command, "malformed JSON in " + OPTION + " " + file + ": " + e.getOriginalMessage());
            }
            if (tree == null || !tree.isObject()) {
                throw usage(command, OPTION + " " + file + " must hold one JSON object of option values");
            }
            Map<String, JsonNode> map = new LinkedHashMap<>();
            tree.properties().forEach(e -> map.put(e.getKey(), e.getValue()));
            return map;
        }

        private void checkKeys(CommandSpec command) {
            TreeSet<String> known = new TreeSet<>();
            for (OptionSpec o : command.options()) {
                if (!o.usageHelp() && !o.versionHelp()) { // "config" too, so that a run record is a config file
                    known.add(key(o));
                }
            }
            for (String key : values.keySet()) {
                if (!known.contains(key)) {
                    throw usage(command, "unknown key '" + key + "' in " + OPTION + " " + file + ": calm "
                            + command.qualifiedName(" ").replaceFirst("^calm ", "") + " takes "
                            + String.join(", ", known));
                }
            }
        }

        /** A list: joined for picocli to split when the option splits its values, else set as the list. */
        private String elements(OptionSpec option, JsonNode value) {
            Class<?> type = option.auxiliaryTypes()[0];
            List<JsonNode> elements = new ArrayList<>();
            (value.isArray() ? value : List.of(value)).forEach(elements::add);
            List<String> texts = new ArrayList<>();
            for (JsonNode element : elements) {
                texts.add(scalar(option, element, kindCheck(type), kindName(type) + " or an array of them").asText());
            }
            if (option.splitRegex().equals(",")) {
                return String.join(",", texts);
            } else if (!(type == String.class || type == Path.class)) {
                throw new IllegalStateException("no config-file conversion to " + type + " for " + option);
            }
            List<Object> list = new ArrayList<>(); // mutable: picocli replaces it by the command line's values
            texts.forEach(t -> list.add(type == Path.class ? Path.of(t) : t));
            option.setValue(list);
            return null;
        }

        private JsonNode scalar(OptionSpec option, JsonNode value, Predicate<JsonNode> ok,
                String expected) {
            if (!ok.test(value)) {
                throw usage(option.command(), "key '" + key(option) + "' in " + OPTION + " " + file + " must be "
                        + expected + ", got " + value);
            }
            return value;
        }

        private static Predicate<JsonNode> kindCheck(Class<?> type) {
            if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
                return v -> v.isIntegralNumber() && (type == long.class || type == Long.class || v.canConvertToInt());
            } else if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
                return JsonNode::isNumber;
            } else if (type == boolean.class || type == Boolean.class) {
                return JsonNode::isBoolean;
            }
            return JsonNode::isTextual; // String, Path, enums: converted by picocli as on the command line
        }

        private static String kindName(Class<?> type) {
            if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
                return "an integer";
            } else if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
                return "a number";
            } else if (type == boolean.class || type == Boolean.class) {
                return "true or false";
            }
            return "a string";
        }

        private CommandLine.ParameterException usage(CommandSpec command, String message) {
            return new CommandLine.ParameterException(command.commandLine(), message);
        }
    }

    /**
     * @param option an option
     * @return its key in a config file: the longest name without its leading dashes
     */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    /**
     * @param values option values as picocli holds them
     * @return the same values as plain JSON ones: paths and enums as strings, collections as lists
     */
    static Object plain(Object values) {
        if (values instanceof Collection<?> c) {
            return c.stream().map(ConfigFile::plain).toList();
        } else if (values instanceof Path || values instanceof Enum<?>) {
            return values.toString();
        }
        return values;
    }
}
