"""Golden-reference generator for CALM for Java's energy-head tests.

Computes, in plain numpy float64, the forward pass of a tiny energy head exactly as the CALM reference
implementation (models/modeling_energy.py) defines it, in its concatenated form (not a split-weight form):

  MLPGenerator: x = LN_noise(noise_embd(noise)); y = LN_hidden(hidden_embd(hidden))
  MLPBlock:     h = linears.4(silu(linears.2(silu(linears.0(cat(in_ln(x), y)))))); gate, up = chunk(h, 2)
                x = x + down_proj(silu(gate) * up)
  FinalLayer:   z = linears.2(silu(linears.0(in_ln(x))))
  LayerNorm:    torch's (biased variance, eps 1e-6 inside the square root), with weight and bias

with y broadcast over the n samples of a position (the reference repeats the hidden states n times), and
the input compression embed_proj = Sequential(Linear(K*d, 2d), SiLU, Linear(2d, d), LayerNorm(d, eps 1e-6)).

Writes:
  energy_head.safetensors     head weights (F32, the reference's MLPGenerator names); d 8, noise 4, l 6,
                              2 blocks; the last layer is NOT zero, so the output depends on the noise
  embed_proj.safetensors      input-compression weights (names 0.*, 2.*, 3.*); K 2, d 8
  energy_head_io.safetensors  noise [3, 5, 4], hidden [5, 8], latent [3, 5, 6] (head forward);
                              chunk_embeddings [2, 3, 16], compressed [2, 3, 8] (embed_proj forward)

Weights and inputs are rounded to float32, then all arithmetic is done in float64 and the outputs rounded to
float32. Rerun (deterministic, seed 20261128) from this directory:  python3 energy_head_reference.py
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
D, NOISE, L, BLOCKS, N, P, K, EPS = 8, 4, 6, 2, 3, 5, 2, 1e-6
rng = np.random.default_rng(seed=20261128)


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, arr in tensors.items():
        dt = {np.float32: "F32", np.int64: "I64"}[arr.dtype.type]
        raw = np.ascontiguousarray(arr).astype("<" + arr.dtype.str[1:]).tobytes()
        header[name] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * (-len(hb) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)) + hb + b"".join(blobs))


def f32(x): return np.asarray(x, dtype=np.float32)
def mat(o, i): return f32(rng.normal(0.0, 0.4, size=(o, i)))
def vec(n, mean=0.0, std=0.2): return f32(mean + std * rng.normal(size=n))


def linear_weights(w, name, o, i):
    w[name + ".weight"], w[name + ".bias"] = mat(o, i), vec(o)


def norm_weights(w, name, n):
    w[name + ".weight"], w[name + ".bias"] = vec(n, 1.0, 0.2), vec(n)


# Registration order of the reference's MLPGenerator.
H = {}
linear_weights(H, "noise_embd", D, NOISE)
linear_weights(H, "hidden_embd", D, D)
norm_weights(H, "norm_hidden", D)
norm_weights(H, "norm_noise", D)
for b in range(BLOCKS):
    p = f"mlp_blocks.{b}."
    norm_weights(H, p + "in_ln", D)
    linear_weights(H, p + "linears.0", D, 2 * D)
    linear_weights(H, p + "linears.2", D, D)
    linear_weights(H, p + "linears.4", 2 * D, D)
    linear_weights(H, p + "down_proj", D, D)
norm_weights(H, "final_layer.in_ln", D)
linear_weights(H, "final_layer.linears.0", D, D)
linear_weights(H, "final_layer.linears.2", L, D)  # non-zero, unlike initialize_weights()

E = {}
linear_weights(E, "0", 2 * D, K * D)
linear_weights(E, "2", D, 2 * D)
norm_weights(E, "3", D)

H64 = {k: v.astype(np.float64) for k, v in H.items()}
E64 = {k: v.astype(np.float64) for k, v in E.items()}


def silu(x): return x / (1.0 + np.exp(-x))
def linear(w, x, name): return x @ w[name + ".weight"].T + w[name + ".bias"]


def layer_norm(w, x, name):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + EPS) * w[name + ".weight"] + w[name + ".bias"]


def mlp_block(x, y, p):
    h = np.concatenate([layer_norm(H64, x, p + "in_ln"), y], axis=-1)
    h = linear(H64, silu(linear(H64, silu(linear(H64, h, p + "linears.0")), p + "linears.2")), p + "linears.4")
    gate, up = h[..., :D], h[..., D:]
    return x + linear(H64, silu(gate) * up, p + "down_proj")


def generator(noise, hidden):
    x = layer_norm(H64, linear(H64, noise, "noise_embd"), "norm_noise")  # [n, P, d]
    y = layer_norm(H64, linear(H64, hidden, "hidden_embd"), "norm_hidden")  # [P, d]
    y = np.broadcast_to(y, x.shape)  # the reference's hidden_states.repeat(num_samples, 1, 1)
    for b in range(BLOCKS):
        x = mlp_block(x, y, f"mlp_blocks.{b}.")
    h = layer_norm(H64, x, "final_layer.in_ln")
    return linear(H64, silu(linear(H64, h, "final_layer.linears.0")), "final_layer.linears.2")


def embed_proj(e):
    return layer_norm(E64, linear(E64, silu(linear(E64, e, "0")), "2"), "3")


noise = f32(rng.uniform(-0.5, 0.5, size=(N, P, NOISE)))
hidden = f32(rng.normal(size=(P, D)))
chunks = f32(rng.normal(size=(2, 3, K * D)))
latent = generator(noise.astype(np.float64), hidden.astype(np.float64))
compressed = embed_proj(chunks.astype(np.float64))
IO = {"noise": noise, "hidden": hidden, "latent": f32(latent), "chunk_embeddings": chunks,
      "compressed": f32(compressed)}
write_safetensors(os.path.join(HERE, "energy_head.safetensors"), H)
write_safetensors(os.path.join(HERE, "embed_proj.safetensors"), E)
write_safetensors(os.path.join(HERE, "energy_head_io.safetensors"), IO)
print("latent[0, 0] =", np.round(latent[0, 0], 6))
print("|latent| mean %.4f, spread over samples %.4f" % (np.abs(latent).mean(), latent.std(axis=0).mean()))
