/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Finds the names a Markdown document uses that do not exist: by plain reading of the file, with these rules.
 *
 * <ul>
 *   <li>A code span that starts with a Java-like type name ({@code Generator}, {@code Generator.threads},
 *       {@code @CalmExperiment}, {@code Module.save/load}, {@code Backend.scalar(like, v)}) names a type: one
 *       declared in the repository's sources, a JDK/DJL/JUnit/picocli class, or one of {@link #EXTERNAL}, the
 *       reference's Python and Hugging Face names. A member after the type ({@code .threads}) must appear in that
 *       type's source file.
 *   <li>A code span {@code dev.calm...} names a package or a fully qualified type of the repository.
 *   <li>A code span {@code a/b.ext} (or {@code a/b/}) whose first segment is one of the repository's top-level
 *       folders ({@code calm-*}, {@code docs}, {@code scripts}, ...) or {@code src} names a file of the
 *       repository ({@code src/...}: of some module). Other paths (a run directory's files) are not checked.
 *   <li>A Markdown link to a relative path names a file beside the document, and its {@code #anchor} a heading of
 *       the target.
 *   <li>A code span {@code calm word ...} (or {@code ./calm}), and a {@code ./calm ...} line of a fenced block,
 *       names a command of the picocli tree, a subcommand where the command has them, and its options.
 * </ul>
 *
 * Spans and tokens with placeholders ({@code <command>}, {@code {i}}, {@code *}, {@code ...}) are not checked.
 */
final class DocReferences {

    /** Names of the reference implementation, Hugging Face and PyTorch that the docs quote (not Java classes). */
    static final Set<String> EXTERNAL = Set.of("LlamaConfig", "LlamaModel", "LlamaForCausalLM", "CALMConfig",
            "EnergyTransformer", "AutoencoderConfig", "OrderedDict", "FlowLoss", "DiffLoss");

    /** Packages whose classes the docs may name by their simple name. */
    private static final List<String> LIBRARY_PACKAGES = List.of("java.lang.", "java.util.", "java.io.",
            "java.nio.", "java.nio.file.", "java.nio.channels.", "ai.djl.", "ai.djl.ndarray.",
            "ai.djl.ndarray.types.", "ai.djl.nn.", "ai.djl.engine.", "ai.djl.util.", "ai.djl.training.",
            "ai.djl.pytorch.jni.", "org.junit.jupiter.api.", "org.junit.jupiter.api.condition.",
            "org.junit.jupiter.params.", "org.junit.jupiter.params.provider.", "picocli.",
            "org.nd4j.linalg.factory.", "org.nd4j.linalg.api.ndarray.");

    private static final Pattern SPAN = Pattern.compile("`([^`]+)`");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern TYPE_SPAN = Pattern.compile(
            "@?([A-Z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*)((?:\\.[A-Za-z_][A-Za-z0-9_]*)*)(?:[(/].*)?", Pattern.DOTALL);
    private static final Pattern QUALIFIED = Pattern.compile("dev\\.calm(?:\\.[A-Za-z_][A-Za-z0-9_]*)*");
    private static final Pattern PATH = Pattern.compile("[\\w.-]+(?:/[\\w.-]+)+/?");
    private static final Pattern COMMAND = Pattern.compile("(?:\\./)?calm\\s+(.+)", Pattern.DOTALL);
    private static final Pattern DECLARATION = Pattern.compile(
            "\\b(?:class|interface|record|enum|@interface)\\s+([A-Z][A-Za-z0-9_]*)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$", Pattern.MULTILINE);

    /** One name that does not exist. */
    record Problem(String doc, int line, String message) {
        @Override
        public String toString() {
            return doc + ":" + line + ": " + message;
        }
    }

    private final Path root;
    private final Map<String, List<Path>> types;
    private final CommandLine cli;

    /**
     * @param root the repository's root
     * @param types every type declared in the repository, by simple name, with the files declaring it
     * @param cli the command tree that {@code calm ...} spans are checked against
     */
    DocReferences(Path root, Map<String, List<Path>> types, CommandLine cli) {
        this.root = root;
        this.types = types;
        this.cli = cli;
    }

    /**
     * @param root the repository's root
     * @return the type names declared in every {@code src/main/java} and {@code src/test/java} file under it
     */
    static Map<String, List<Path>> declaredTypes(Path root) {
        Map<String, List<Path>> types = new HashMap<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path src : modules.map(m -> m.resolve("src")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(src)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        Matcher m = DECLARATION.matcher(Files.readString(file, StandardCharsets.UTF_8));
                        while (m.find()) {
                            types.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(file);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return types;
    }

    /**
     * @param doc the Markdown file, under the root
     * @return what it names that does not exist
     */
    List<Problem> check(Path doc) {
        try {
            return check(root.relativize(doc).toString(), doc.getParent(), Files.readString(doc, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name the document's name in the problems
     * @param dir the folder that its relative links start from
     * @param markdown its text
     * @return what it names that does not exist
     */
    List<Problem> check(String name, Path dir, String markdown) {
        List<Problem> problems = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        StringBuilder prose = new StringBuilder();
        boolean fenced = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                prose.append('\n');
                continue;
            }
            if (fenced) {
                String code = line.strip();
                if (code.startsWith("./calm ")) {
                    int comment = code.indexOf(" #");
                    checkCommand(code.substring("./calm ".length(), comment < 0 ? code.length() : comment),
                            name, i + 1, problems);
                }
                prose.append('\n');
            } else {
                prose.append(line).append('\n');
            }
        }
        String text = prose.toString();
        Matcher span = SPAN.matcher(text);
        while (span.find()) {
            checkSpan(span.group(1).strip(), name, lineOf(text, span.start()), problems);
        }
        Matcher link = LINK.matcher(SPAN.matcher(text).replaceAll(m -> "`" + "x".repeat(m.group(1).length()) + "`"));
        while (link.find()) {
            checkLink(link.group(1), dir, name, lineOf(text, link.start()), problems);
        }
        problems.sort(Comparator.comparingInt(Problem::line));
        return problems;
    }

    private void checkSpan(String span, String doc, int line, List<Problem> problems) {
        if (span.contains("<") || span.contains("{") || span.contains("*") || span.contains("...")) {
            return;
        }
        Matcher command = COMMAND.matcher(span);
        if (command.matches()) {
            checkCommand(command.group(1), doc, line, problems);
            return;
        }
        Matcher type = TYPE_SPAN.matcher(span);
        if (type.matches()) {
            checkType(type.group(1), type.group(2), doc, line, problems);
            return;
        }
        if (QUALIFIED.matcher(span).matches()) {
            checkQualified(span, doc, line, problems);
            return;
        }
        if (PATH.matcher(span).matches()) {
            checkPath(span, doc, line, problems);
        }
    }

    private void checkType(String type, String members, String doc, int line, List<Problem> problems) {
        if (EXTERNAL.contains(type)) {
            return;
        }
        List<Path> files = types.get(type);
        if (files == null) {
            if (!isLibraryClass(type)) {
                problems.add(new Problem(doc, line, "no type " + type));
            }
            return;
        }
        if (members.isEmpty()) {
            return;
        }
        String member = members.substring(1).split("\\.")[0];
        if (Character.isUpperCase(member.charAt(0)) && types.containsKey(member)) {
            return; // a nested type, such as BrierLM.Result
        }
        // a JSON name (head_type) is the record component headType; a member is declared or used in its type's file
        // followed by a call, an assignment or a separator, or ends a line (an enum constant)
        String java = member.contains("_") && member.equals(member.toLowerCase(Locale.ROOT))
                ? Pattern.compile("_([a-z])").matcher(member).replaceAll(m -> m.group(1).toUpperCase(Locale.ROOT))
                : member;
        Pattern word = Pattern.compile("(?<![\\w.])" + Pattern.quote(java) + "(\\s*[(;=,){]|\\s*$)", Pattern.MULTILINE);
        boolean found = files.stream().anyMatch(f -> word.matcher(read(f)).find());
        if (!found) {
            problems.add(new Problem(doc, line, type + " has no member " + member));
        }
    }

    private static boolean isLibraryClass(String type) {
        for (String pkg : LIBRARY_PACKAGES) {
            try {
                Class.forName(pkg + type, false, DocReferences.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException e) {
                // try the next package
            }
        }
        return false;
    }

    private void checkQualified(String name, String doc, int line, List<Problem> problems) {
        String[] parts = name.split("\\.");
        String last = parts[parts.length - 1];
        boolean isType = Character.isUpperCase(last.charAt(0));
        String pkg = String.join("/", List.of(parts).subList(0, isType ? parts.length - 1 : parts.length));
        String relative = isType ? pkg + "/" + last + ".java" : pkg;
        if (!existsInSomeModule("src/main/java/" + relative) && !existsInSomeModule("src/test/java/" + relative)) {
            problems.add(new Problem(doc, line, "no " + (isType ? "class " : "package ") + name));
        }
    }

    private void checkPath(String path, String doc, int line, List<Problem> problems) {
        String first = path.split("/")[0];
        boolean repositoryPath = (first.startsWith("calm-") || Set.of("docs", "scripts", ".ci", ".mvn").contains(first))
                && !List.of(path.split("/")).contains("target"); // build output is not in the repository
        if (first.equals("src")) {
            if (!existsInSomeModule(path)) {
                problems.add(new Problem(doc, line, "no file " + path + " in any module"));
            }
        } else if (repositoryPath && !Files.exists(root.resolve(path))) {
            problems.add(new Problem(doc, line, "no file " + path));
        }
    }

    private boolean existsInSomeModule(String path) {
        try (Stream<Path> modules = Files.list(root)) {
            return modules.filter(Files::isDirectory).anyMatch(m -> Files.exists(m.resolve(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void checkLink(String target, Path dir, String doc, int line, List<Problem> problems) {
        if (target.matches("[a-z]+:.*")) {
            return;
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? null : dir.resolve(file).normalize();
        if (resolved != null && !Files.exists(resolved)) {
            problems.add(new Problem(doc, line, "link to a missing file " + target));
            return;
        }
        if (hash >= 0 && (resolved == null || resolved.toString().endsWith(".md"))) {
            String anchor = target.substring(hash + 1);
            String markdown = resolved == null ? null : read(resolved);
            if (markdown != null && !anchors(markdown).contains(anchor)) {
                problems.add(new Problem(doc, line, "link to a missing heading " + target));
            }
        }
    }

    /**
     * @param markdown a document
     * @return the anchors of its headings, as GitHub makes them: lower case, punctuation other than - and _
     *     dropped, spaces turned into -, a repeated anchor suffixed -1, -2, ...
     */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
            }
            Matcher heading = HEADING.matcher(line);
            if (fenced || !heading.matches()) {
                continue;
            }
            String slug = heading.group(1).toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int count = seen.merge(slug, 1, Integer::sum);
            anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
        return anchors;
    }

    private void checkCommand(String arguments, String doc, int line, List<Problem> problems) {
        CommandLine command = cli;
        boolean positional = false;
        String[] tokens = arguments.strip().split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (Set.of("|", ">", "&&", ";", "#").contains(token) || token.contains("<") || token.contains("...")) {
                return;
            }
            if (token.startsWith("-")) {
                String option = token.split("=")[0];
                OptionSpec spec = command.getCommandSpec().findOption(option);
                if (spec == null) {
                    problems.add(new Problem(doc, line, "'" + qualified(command.getCommandSpec()) + "' has no option "
                            + option));
                    return;
                }
                if (!token.contains("=") && spec.arity().min() > 0) {
                    i += spec.arity().min();
                }
            } else if (!positional && !command.getSubcommands().isEmpty()) {
                CommandLine sub = command.getSubcommands().get(token);
                if (sub == null) {
                    problems.add(new Problem(doc, line, "'" + qualified(command.getCommandSpec()) + "' has no command "
                            + token));
                    return;
                }
                command = sub;
            } else {
                positional = true;
            }
        }
    }

    private static String qualified(CommandSpec spec) {
        return spec.qualifiedName(" ");
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
