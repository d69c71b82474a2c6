"""Golden-reference generator for CALM for Java's Llama-style Transformer tests.

Computes, in plain numpy float64, the forward pass of a tiny Hugging Face
transformers ``LlamaModel`` (eager attention, no biases, no padding, causal
mask, rotate-half RoPE, grouped-query attention via ``repeat_kv``, SiLU-gated
MLP, RMSNorm) and writes:

  tiny_llama.safetensors     the weights (F32, HF names without "model.")
  tiny_llama_io.safetensors  input_ids, layer0_output, last_hidden_state,
                             rope_cos, rope_sin, logits_tied
  tiny_llama_config.json     the LlamaConfig fields used

Weights are rounded to float32 first; all arithmetic is then done in float64
on those float32 values, and outputs are stored as float32.

Rerun (deterministic, seed 20251027) from this directory:
    python3 llama_reference.py
which rewrites the files next to this script.
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = {"vocab_size": 32, "hidden_size": 16, "intermediate_size": 40,
          "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
          "max_position_embeddings": 64, "rope_theta": 10000.0, "rms_norm_eps": 1e-6}
V, D, I = CONFIG["vocab_size"], CONFIG["hidden_size"], CONFIG["intermediate_size"]
L, H, HKV = CONFIG["num_hidden_layers"], CONFIG["num_attention_heads"], CONFIG["num_key_value_heads"]
HD, EPS, THETA = D // H, CONFIG["rms_norm_eps"], CONFIG["rope_theta"]
B, T = 2, 7

# ---------------------------------------------------------------- safetensors I/O
DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "I64": np.dtype("<i8")}

def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, arr in tensors.items():
        dt = {np.float32: "F32", np.float64: "F64", np.int64: "I64"}[arr.dtype.type]
        raw = np.ascontiguousarray(arr, dtype=DTYPES[dt]).tobytes()
        header[name] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    header["__metadata__"] = {"format": "pt"}
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * (-len(hb) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)) + hb + b"".join(blobs))

def read_safetensors(path):  # independent of the writer: parses bytes only
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack_from("<Q", data, 0)
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    out = {}
    for name, meta in header.items():
        b0, b1 = meta["data_offsets"]
        out[name] = np.frombuffer(data[8 + n + b0:8 + n + b1], dtype=DTYPES[meta["dtype"]]).reshape(meta["shape"])
    return out

# ---------------------------------------------------------------- weights
rng = np.random.default_rng(seed=20251027)
def mat(o, i): return rng.normal(0.0, 0.3, size=(o, i)).astype(np.float32)
def normw(n): return (1.0 + 0.2 * rng.normal(size=n)).astype(np.float32)

W = {"embed_tokens.weight": mat(V, D)}
for i in range(L):
    p = f"layers.{i}."
    W[p + "input_layernorm.weight"] = normw(D)
    W[p + "self_attn.q_proj.weight"] = mat(H * HD, D)
    W[p + "self_attn.k_proj.weight"] = mat(HKV * HD, D)
    W[p + "self_attn.v_proj.weight"] = mat(HKV * HD, D)
    W[p + "self_attn.o_proj.weight"] = mat(D, H * HD)
    W[p + "post_attention_layernorm.weight"] = normw(D)
    W[p + "mlp.gate_proj.weight"] = mat(I, D)
    W[p + "mlp.up_proj.weight"] = mat(I, D)
    W[p + "mlp.down_proj.weight"] = mat(D, I)
W["norm.weight"] = normw(D)
input_ids = rng.integers(0, V, size=(B, T), dtype=np.int64)
W64 = {k: v.astype(np.float64) for k, v in W.items()}  # exact widening of the f32 values

# ---------------------------------------------------------------- model (HF LlamaModel)
def rms_norm(x, w): return w * (x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + EPS))
def silu(x): return x / (1.0 + np.exp(-x))
def linear(x, name): return x @ W64[name].T

def rope(positions):
    inv_freq = 1.0 / THETA ** (np.arange(0, HD, 2, dtype=np.float64) / HD)
    emb = np.concatenate([np.outer(positions, inv_freq)] * 2, axis=-1)  # [T, HD]
    return np.cos(emb), np.sin(emb)

def rotate_half(x): return np.concatenate([-x[..., HD // 2:], x[..., :HD // 2]], axis=-1)
def apply_rope(x, cos, sin): return x * cos + rotate_half(x) * sin  # x: [B, heads, T, HD]

def attention(q, k, v, q_pos):
    """q [B,H,Tq,HD] at absolute positions q_pos; k, v [B,HKV,Tk,HD] at positions 0..Tk-1."""
    k, v = np.repeat(k, H // HKV, axis=1), np.repeat(v, H // HKV, axis=1)  # repeat_kv
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(HD)
    s = np.where(np.arange(k.shape[2])[None, :] > q_pos[:, None], -np.inf, s)  # causal
    p = np.exp(s - s.max(-1, keepdims=True))
    return (p / p.sum(-1, keepdims=True)) @ v

def layer(h, i, positions, cache=None):
    p = f"layers.{i}."
    b, t, _ = h.shape
    x = rms_norm(h, W64[p + "input_layernorm.weight"])
    q = linear(x, p + "self_attn.q_proj.weight").reshape(b, t, H, HD).transpose(0, 2, 1, 3)
    k = linear(x, p + "self_attn.k_proj.weight").reshape(b, t, HKV, HD).transpose(0, 2, 1, 3)
    v = linear(x, p + "self_attn.v_proj.weight").reshape(b, t, HKV, HD).transpose(0, 2, 1, 3)
    cos, sin = rope(positions)
    q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
    if cache is not None:  # KV cache: append this step's k/v, attend over everything so far
        k = cache[i]["k"] = np.concatenate([cache[i]["k"], k], axis=2)
        v = cache[i]["v"] = np.concatenate([cache[i]["v"], v], axis=2)
    a = attention(q, k, v, positions).transpose(0, 2, 1, 3).reshape(b, t, H * HD)
    h = h + linear(a, p + "self_attn.o_proj.weight")
    x = rms_norm(h, W64[p + "post_attention_layernorm.weight"])
    m = silu(linear(x, p + "mlp.gate_proj.weight")) * linear(x, p + "mlp.up_proj.weight")
    return h + linear(m, p + "mlp.down_proj.weight")

def forward(ids, positions=None, cache=None):
    positions = np.arange(ids.shape[1]) if positions is None else positions
    h = W64["embed_tokens.weight"][ids]
    per_layer = []
    for i in range(L):
        h = layer(h, i, positions, cache)
        per_layer.append(h)
    return rms_norm(h, W64["norm.weight"]), per_layer

last_hidden, per_layer = forward(input_ids)
cos, sin = rope(np.arange(T))
logits = last_hidden @ W64["embed_tokens.weight"].T

# ---------------------------------------------------------------- self-checks
ids2 = input_ids.copy()
ids2[:, -1] = (ids2[:, -1] + 1) % V
lh2, _ = forward(ids2)
assert np.array_equal(lh2[:, :-1], last_hidden[:, :-1]) and not np.allclose(lh2[:, -1], last_hidden[:, -1])
print("causality: earlier positions bit-identical after changing the last token")

cache = [{"k": np.zeros((B, HKV, 0, HD)), "v": np.zeros((B, HKV, 0, HD))} for _ in range(L)]
steps = np.concatenate([forward(input_ids[:, t:t + 1], np.array([t]), cache)[0] for t in range(T)], axis=1)
kv_err = np.abs(steps - last_hidden).max()
assert kv_err < 1e-12, kv_err
print(f"kv-cache incremental decoding: max |diff| = {kv_err:.2e}")

q0 = linear(rms_norm(W64["embed_tokens.weight"][input_ids], W64["layers.0.input_layernorm.weight"]),
            "layers.0.self_attn.q_proj.weight").reshape(B, T, H, HD).transpose(0, 2, 1, 3)
norm_err = np.abs(np.linalg.norm(apply_rope(q0, cos, sin), axis=-1) - np.linalg.norm(q0, axis=-1)).max()
assert norm_err < 1e-12, norm_err
print(f"rope norm preservation: max |diff| = {norm_err:.2e}")

# ---------------------------------------------------------------- write + read back
f32 = lambda a: a.astype(np.float32)
IO = {"input_ids": input_ids, "last_hidden_state": f32(last_hidden), "layer0_output": f32(per_layer[0]),
      "rope_cos": f32(cos), "rope_sin": f32(sin), "logits_tied": f32(logits)}
for fname, tensors in (("tiny_llama.safetensors", W), ("tiny_llama_io.safetensors", IO)):
    path = os.path.join(HERE, fname)
    write_safetensors(path, tensors)
    back = read_safetensors(path)
    assert list(back) == list(tensors)
    for k, arr in tensors.items():
        assert back[k].dtype == arr.dtype and back[k].shape == arr.shape and np.array_equal(back[k], arr), k
    print(f"read-back ok: {fname} ({len(back)} tensors, {os.path.getsize(path)} bytes)")
with open(os.path.join(HERE, "tiny_llama_config.json"), "w") as f:
    json.dump(CONFIG, f, indent=2)
    f.write("\n")

np.set_printoptions(precision=6, suppress=True)
print("input_ids =", input_ids.tolist())
print("last_hidden_state[0,0,:4] =", IO["last_hidden_state"][0, 0, :4])
print("last_hidden_state[1,6,:4] =", IO["last_hidden_state"][1, 6, :4])
print("logits_tied[0,0,:4]       =", IO["logits_tied"][0, 0, :4])
