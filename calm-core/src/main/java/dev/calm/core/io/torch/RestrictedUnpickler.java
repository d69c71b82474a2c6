/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io.torch;

import dev.calm.core.CalmException;
import dev.calm.core.io.torch.Pickle.Global;
import dev.calm.core.io.torch.Pickle.StorageRef;
import dev.calm.core.io.torch.Pickle.TensorRef;
import dev.calm.core.io.torch.Pickle.Tuple;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader that knows only what {@code torch.save} writes for a state dict, and never executes anything.
 * It runs the pickle machine's opcodes of protocols 2 to 5 that build plain data (None, booleans, integers,
 * floats, strings, tuples, lists, dicts, the memo), and it resolves globals against a fixed allowlist:
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code torch._utils._rebuild_parameter}
 * and the typed storage classes of {@link StorageType}, which are never looked up or called but recognised by name.
 * Any other global, and every opcode that would create an arbitrary object ({@code INST}, {@code OBJ},
 * {@code NEWOBJ}, extension codes, text persistent ids), is refused with a {@link CalmException} naming it.
 *
 * <p>Work is linear in the pickle's length: every opcode consumes at least one byte, and sizes read from the
 * stream are checked against the bytes that remain before anything is allocated.
 */
final class RestrictedUnpickler {

    /** The callables this reader allows, by {@code module.name}. */
    static final Set<String> ALLOWED = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter");

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };

    private final ByteBuffer in;
    private final String where;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(byte[] pickle, String where) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.where = where;
    }

    /**
     * Runs a pickle to its STOP opcode.
     *
     * @param pickle the pickle's bytes ({@code data.pkl} of a {@code torch.save} archive)
     * @param where what the bytes are, for messages, e.g. {@code model.bin: data.pkl}
     * @return the unpickled value: maps, lists, {@link Tuple}s, strings, longs, doubles, booleans, null,
     *     {@link Global}s, {@link StorageRef}s and {@link TensorRef}s
     * @throws CalmException naming the first problem and the byte where it was found
     */
    static Object load(byte[] pickle, String where) {
        return new RestrictedUnpickler(pickle, where).run();
    }

    private Object run() {
        while (true) {
            if (!in.hasRemaining()) {
                throw fail("the pickle ends without a STOP opcode (truncated?)");
            }
            int at = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = u8();
                    if (protocol < 2 || protocol > 5) {
                        throw failAt(at, "unsupported pickle protocol " + protocol + " (torch.save writes 2)");
                    }
                }
                case 0x95 -> skip(u64(), "FRAME"); // FRAME: a length hint, the opcodes follow inline
                case '.' -> { // STOP
                    Object result = pop(at);
                    if (!stack.isEmpty() || !marks.isEmpty()) {
                        throw failAt(at, "STOP with " + stack.size() + " values left on the stack");
                    }
                    return result;
                }
                case '(' -> marks.add(stack.size()); // MARK
                case '0' -> pop(at); // POP
                case '1' -> popMark(at); // POP_MARK
                case '2' -> push(peek(at)); // DUP
                case 'N' -> push(null); // NONE
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'J' -> push((long) in(4).getInt()); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) (in(2).getShort() & 0xffff)); // BININT2
                case 0x8a -> push(long1(at)); // LONG1
                case 'G' -> push(in(8).order(ByteOrder.BIG_ENDIAN).getDouble()); // BINFLOAT
                case 'X' -> push(utf8(u32(), at)); // BINUNICODE
                case 0x8c -> push(utf8(u8(), at)); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(u64(), at)); // BINUNICODE8
                case 'U' -> push(utf8(u8(), at)); // SHORT_BINSTRING (ASCII in what torch writes)
                case 'T' -> push(utf8(u32(), at)); // BINSTRING
                case '}' -> push(new LinkedHashMap<Object, Object>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<Object>()); // EMPTY_LIST
                case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
                case 't' -> push(new Tuple(popMark(at))); // TUPLE
                case 0x85 -> push(tuple(1, at)); // TUPLE1
                case 0x86 -> push(tuple(2, at)); // TUPLE2
                case 0x87 -> push(tuple(3, at)); // TUPLE3
                case 'l' -> push(new ArrayList<>(popMark(at))); // LIST
                case 'd' -> push(dict(popMark(at), at)); // DICT
                case 'a' -> { // APPEND
                    Object value = pop(at);
                    list(peek(at), at).add(value);
                }
                case 'e' -> { // APPENDS
                    List<Object> values = popMark(at);
                    list(peek(at), at).addAll(values);
                }
                case 's' -> { // SETITEM
                    Object value = pop(at);
                    Object key = pop(at);
                    map(peek(at), at).put(hashable(key, at), value);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark(at);
                    map(peek(at), at).putAll(dict(items, at));
                }
                case 'q' -> memo.put((long) u8(), peek(at)); // BINPUT
                case 'r' -> memo.put(u32(), peek(at)); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek(at)); // MEMOIZE
                case 'h' -> push(memoGet(u8(), at)); // BINGET
                case 'j' -> push(memoGet(u32(), at)); // LONG_BINGET
                case 'c' -> push(global(line(at), line(at), at)); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(at);
                    Object module = pop(at);
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw failAt(at, "STACK_GLOBAL needs two strings, got " + describe(module) + " and "
                                + describe(name));
                    }
                    push(global(m, n, at));
                }
                case 'Q' -> push(persistentLoad(pop(at), at)); // BINPERSID
                case 'R' -> { // REDUCE
                    Object args = pop(at);
                    Object callable = pop(at);
                    push(reduce(callable, args, at));
                }
                case 'b' -> { // BUILD: the state of an OrderedDict (its _metadata), which a state dict ignores
                    pop(at);
                    Object target = peek(at);
                    if (!(target instanceof Map)) {
                        throw failAt(at, "BUILD on " + describe(target) + ": only a dict's state is accepted");
                    }
                }
                default -> throw failAt(at, String.format("unsupported pickle opcode 0x%02x%s", op,
                        op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : "")
                        + ": a state dict saved by torch.save does not use it");
            }
        }
    }

    private Object reduce(Object callable, Object args, int at) {
        if (!(callable instanceof Global g)) {
            throw failAt(at, "REDUCE on " + describe(callable) + ", not an allowed global");
        }
        if (!(args instanceof Tuple tuple)) {
            throw failAt(at, "REDUCE of " + g + " with " + describe(args) + " instead of an argument tuple");
        }
        List<Object> a = tuple.items();
        return switch (g.toString()) {
            case "collections.OrderedDict" -> {
                if (!a.isEmpty()) {
                    throw failAt(at, "collections.OrderedDict with arguments " + a.size());
                }
                yield new LinkedHashMap<Object, Object>();
            }
            case "torch._utils._rebuild_tensor_v2" -> {
                if (a.size() < 6 || a.size() > 7) {
                    throw failAt(at, "torch._utils._rebuild_tensor_v2 takes 6 or 7 arguments, got " + a.size());
                }
                if (!(a.get(0) instanceof StorageRef storage)) {
                    throw failAt(at, "torch._utils._rebuild_tensor_v2 of " + describe(a.get(0)) + ", not a storage");
                }
                long offset = nonNegative(a.get(1), "storage offset", at);
                long[] shape = longs(a.get(2), "size", at);
                long[] stride = longs(a.get(3), "stride", at);
                if (shape.length != stride.length) {
                    throw failAt(at, "tensor of size " + java.util.Arrays.toString(shape) + " has stride "
                            + java.util.Arrays.toString(stride) + " of another rank");
                }
                yield new TensorRef(storage, offset, shape, stride);
            }
            case "torch._utils._rebuild_parameter" -> {
                if (a.size() != 3 || !(a.get(0) instanceof TensorRef tensor)) {
                    throw failAt(at, "torch._utils._rebuild_parameter takes (tensor, requires_grad, hooks)");
                }
                yield tensor;
            }
            default -> throw failAt(at, "global " + g + " cannot be called");
        };
    }

    private Object persistentLoad(Object pid, int at) {
        if (!(pid instanceof Tuple t) || t.items().size() != 5 || !"storage".equals(t.items().get(0))) {
            throw failAt(at, "persistent id " + describe(pid)
                    + " is not ('storage', type, key, location, numel) as torch.save writes");
        }
        List<Object> a = t.items();
        if (!(a.get(1) instanceof Global g) || !g.module().equals("torch")
                || StorageType.of(g.name()).isEmpty()) {
            throw failAt(at, "persistent id with storage type " + describe(a.get(1)));
        }
        if (!(a.get(2) instanceof String key) || key.isEmpty() || !(a.get(3) instanceof String)) {
            throw failAt(at, "persistent id with storage key " + describe(a.get(2)) + " and location "
                    + describe(a.get(3)));
        }
        return new StorageRef(StorageType.of(g.name()).get(), key, nonNegative(a.get(4), "storage size", at));
    }

    private Global global(String module, String name, int at) {
        String full = module + "." + name;
        if (ALLOWED.contains(full)) {
            return new Global(module, name);
        }
        if (module.equals("torch") && name.endsWith("Storage")) {
            if (StorageType.of(name).isPresent()) {
                return new Global(module, name);
            }
            throw failAt(at, "unsupported storage type " + full + " (supported: torch.FloatStorage, "
                    + "torch.HalfStorage, torch.BFloat16Storage, torch.LongStorage)");
        }
        throw failAt(at, "refused global '" + full + "': a state dict needs only collections.OrderedDict, "
                + "torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and torch storage types; "
                + "nothing else is loaded");
    }

    private Tuple tuple(int n, int at) {
        if (stack.size() - base() < n) {
            throw failAt(at, "stack underflow building a tuple of " + n);
        }
        List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        stack.subList(stack.size() - n, stack.size()).clear();
        return new Tuple(items);
    }

    private Map<Object, Object> dict(List<Object> items, int at) {
        if (items.size() % 2 != 0) {
            throw failAt(at, "odd number of items (" + items.size() + ") for a dict");
        }
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i += 2) {
            map.put(hashable(items.get(i), at), items.get(i + 1));
        }
        return map;
    }

    /** Keys of a state dict and of its metadata are strings; integers are allowed too, nothing that nests. */
    private Object hashable(Object key, int at) {
        if (!(key instanceof String) && !(key instanceof Long)) {
            throw failAt(at, "dict key " + describe(key) + " is neither a string nor an integer");
        }
        return key;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object value, int at) {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw failAt(at, "APPEND to " + describe(value) + ", not a list");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> map(Object value, int at) {
        if (value instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw failAt(at, "SETITEM on " + describe(value) + ", not a dict");
    }

    private long[] longs(Object value, String what, int at) {
        if (!(value instanceof Tuple t)) {
            throw failAt(at, "tensor " + what + " is " + describe(value) + ", not a tuple");
        }
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nonNegative(t.items().get(i), what, at);
        }
        return out;
    }

    private long nonNegative(Object value, String what, int at) {
        if (!(value instanceof Long l) || l < 0) {
            throw failAt(at, what + " is " + describe(value) + ", not a non-negative integer");
        }
        return l;
    }

    private Object memoGet(long index, int at) {
        if (!memo.containsKey(index)) {
            throw failAt(at, "memo entry " + index + " was never stored");
        }
        return memo.get(index);
    }

    private void push(Object value) {
        stack.add(value);
    }

    private int base() {
        return marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
    }

    private Object pop(int at) {
        if (stack.size() <= base()) {
            throw failAt(at, "stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek(int at) {
        if (stack.size() <= base()) {
            throw failAt(at, "stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark(int at) {
        if (marks.isEmpty()) {
            throw failAt(at, "no MARK on the stack");
        }
        int mark = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(mark, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    private ByteBuffer in(int n) {
        if (in.remaining() < n) {
            throw fail("the pickle ends in the middle of an opcode's argument (truncated?)");
        }
        ByteBuffer slice = in.slice(in.position(), n).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + n);
        return slice;
    }

    private int u8() {
        return in(1).get() & 0xff;
    }

    private long u32() {
        return in(4).getInt() & 0xffffffffL;
    }

    private long u64() {
        long n = in(8).getLong();
        return n < 0 ? Long.MAX_VALUE : n;
    }

    private long long1(int at) {
        int n = u8();
        if (n > 8) {
            throw failAt(at, "integer of " + n + " bytes is out of range");
        }
        ByteBuffer bytes = in(n);
        long value = 0;
        for (int i = n - 1; i >= 0; i--) {
            value = (value << 8) | (bytes.get(i) & 0xff);
        }
        if (n > 0 && n < 8 && (bytes.get(n - 1) & 0x80) != 0) {
            value |= -1L << (8 * n); // sign extension of a two's complement
        }
        return value;
    }

    private void skip(long n, String what) {
        if (n > in.remaining()) {
            throw fail(what + " of " + n + " bytes exceeds the " + in.remaining() + " bytes left");
        }
    }

    private String utf8(long n, int at) {
        if (n > in.remaining()) {
            throw failAt(at, "string of " + n + " bytes exceeds the " + in.remaining() + " bytes left (truncated?)");
        }
        ByteBuffer bytes = in((int) n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw failAt(at, "string is not valid UTF-8");
        }
    }

    private String line(int at) {
        int start = in.position();
        int limit = Math.min(in.limit(), start + 256);
        for (int i = start; i < limit; i++) {
            if (in.get(i) == '\n') {
                String text = utf8(i - start, at);
                in.get(); // the newline
                return text;
            }
        }
        throw failAt(at, "GLOBAL name is not a line of at most 256 bytes");
    }

    private static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof String s) {
            return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
        }
        if (value instanceof Long || value instanceof Boolean || value instanceof Double || value instanceof Global) {
            return value.toString();
        }
        if (value instanceof Tuple t) {
            return "a tuple of " + t.items().size();
        }
        if (value instanceof List<?> l) {
            return "a list of " + l.size();
        }
        if (value instanceof Map<?, ?> m) {
            return "a dict of " + m.size();
        }
        if (value instanceof TensorRef) {
            return "a tensor";
        }
        if (value instanceof StorageRef) {
            return "a storage";
        }
        return value == MARK ? "MARK" : value.getClass().getSimpleName();
    }

    private CalmException failAt(int at, String problem) {
        return new CalmException(where + ": " + problem + " (at byte " + at + ")");
    }

    private CalmException fail(String problem) {
        return new CalmException(where + ": " + problem + " (at byte " + in.position() + ")");
    }
}
