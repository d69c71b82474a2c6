"""Golden-reference generator for the flow and diffusion heads' tests in CALM for Java.

1. The heads' network (TimeConditionedMlp), in plain numpy float64: the energy head's blocks (as in
   energy_head_reference.py) on an input projection of x_t, conditioned on y = LN(cond_embed(h)) + time_embed(t),
   with time_embed the reference's TimestepEmbedder (models/modeling_flow.py, modeling_diffusion.py):

     features(t) = [cos(t f); sin(t f)],  f_i = exp(-ln(10000) i / 128), i = 0 .. 127
     time_embed  = mlp.2(silu(mlp.0(features(t))))
     x = input_proj(x_t); y = LN_cond(cond_embed(h)) + time_embed(t)
     x = x + down_proj(silu(gate) * up), [gate, up] = linears.4(silu(linears.2(silu(linears.0([LN(x); y])))))
     out = final_layer.linears.2(silu(final_layer.linears.0(LN(x))))

   Writes time_conditioned_net.safetensors (weights; d 8, l 6, 2 blocks, the last layer NOT zero) and
   time_conditioned_net_io.safetensors: x [3, 5, 6], hidden [5, 8], times [3, 5] (one time per sample),
   out [3, 5, 6]; and shared_out [3, 5, 6] for one time 370.0 shared by every sample.

2. The cosine schedule and the respacing of the reference's diffusion code (models/diffusion/gaussian_diffusion.py
   get_named_beta_schedule("cosine") with betas_for_alpha_bar(max_beta=0.999); respace.py space_timesteps with
   one section): diffusion_schedule.json with alphas_cumprod of T = 1000 (float64) and the timesteps kept for 100,
   25, 7 and 1 sampling steps.

Rerun (deterministic, seed 20261205) from this directory:  python3 time_conditioned_net_reference.py
"""
import json
import math
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
D, L, BLOCKS, S, P, FREQ, EPS = 8, 6, 2, 3, 5, 256, 1e-6
rng = np.random.default_rng(seed=20261205)


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, arr in tensors.items():
        raw = np.ascontiguousarray(arr).astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * (-len(hb) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)) + hb + b"".join(blobs))


def f32(x): return np.asarray(x, dtype=np.float32)


W = {}


def linear_weights(name, o, i, std=0.4):
    W[name + ".weight"], W[name + ".bias"] = f32(rng.normal(0.0, std, size=(o, i))), f32(0.2 * rng.normal(size=o))


def norm_weights(name, n):
    W[name + ".weight"], W[name + ".bias"] = f32(1.0 + 0.2 * rng.normal(size=n)), f32(0.2 * rng.normal(size=n))


linear_weights("input_proj", D, L)
linear_weights("cond_embed", D, D)
norm_weights("norm_cond", D)
linear_weights("time_embed.mlp.0", D, FREQ, std=0.1)
linear_weights("time_embed.mlp.2", D, D)
for b in range(BLOCKS):
    p = f"mlp_blocks.{b}."
    norm_weights(p + "in_ln", D)
    linear_weights(p + "linears.0", D, 2 * D)
    linear_weights(p + "linears.2", D, D)
    linear_weights(p + "linears.4", 2 * D, D)
    linear_weights(p + "down_proj", D, D)
norm_weights("final_layer.in_ln", D)
linear_weights("final_layer.linears.0", D, D)
linear_weights("final_layer.linears.2", L, D)
W64 = {k: v.astype(np.float64) for k, v in W.items()}


def silu(x): return x / (1.0 + np.exp(-x))
def linear(x, name): return x @ W64[name + ".weight"].T + W64[name + ".bias"]


def layer_norm(x, name):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + EPS) * W64[name + ".weight"] + W64[name + ".bias"]


def time_embed(t):
    half = FREQ // 2
    freqs = np.exp(-math.log(10000) * np.arange(half) / half)
    args = t[..., None] * freqs
    return linear(silu(linear(np.concatenate([np.cos(args), np.sin(args)], -1), "time_embed.mlp.0")),
                  "time_embed.mlp.2")


def net(x, t, hidden):
    h = linear(x, "input_proj")  # [S, P, d]
    y = layer_norm(linear(hidden, "cond_embed"), "norm_cond") + time_embed(t)  # broadcast to [S, P, d]
    y = np.broadcast_to(y, h.shape)
    for b in range(BLOCKS):
        p = f"mlp_blocks.{b}."
        u = np.concatenate([layer_norm(h, p + "in_ln"), y], axis=-1)
        u = linear(silu(linear(silu(linear(u, p + "linears.0")), p + "linears.2")), p + "linears.4")
        h = h + linear(silu(u[..., :D]) * u[..., D:], p + "down_proj")
    return linear(silu(linear(layer_norm(h, "final_layer.in_ln"), "final_layer.linears.0")), "final_layer.linears.2")


x = f32(rng.normal(size=(S, P, L)))
hidden = f32(rng.normal(size=(P, D)))
times = f32(np.round(rng.uniform(0, 1000, size=(S, P)), 2))
out = net(x.astype(np.float64), times.astype(np.float64), hidden.astype(np.float64))
shared = net(x.astype(np.float64), np.array([370.0]), hidden.astype(np.float64))
write_safetensors(os.path.join(HERE, "time_conditioned_net.safetensors"), W)
write_safetensors(os.path.join(HERE, "time_conditioned_net_io.safetensors"),
                  {"x": x, "hidden": hidden, "times": times, "out": f32(out), "shared_out": f32(shared)})
print("out[0, 0] =", np.round(out[0, 0], 6), " |out| mean %.4f" % np.abs(out).mean())


# The cosine schedule and the respacing, as the reference's diffusion code computes them.
def betas_for_alpha_bar(steps, alpha_bar, max_beta=0.999):
    return np.array([min(1 - alpha_bar((i + 1) / steps) / alpha_bar(i / steps), max_beta) for i in range(steps)])


def space_timesteps(num_timesteps, count):
    stride = 1 if count <= 1 else (num_timesteps - 1) / (count - 1)
    cur, taken = 0.0, []
    for _ in range(count):
        taken.append(round(cur))
        cur += stride
    return sorted(set(taken))


T = 1000
betas = betas_for_alpha_bar(T, lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2)
schedule = {"diffusion_steps": T, "alphas_cumprod": np.cumprod(1.0 - betas).tolist(),
            "respaced": {str(n): space_timesteps(T, n) for n in (100, 25, 7, 1)}}
with open(os.path.join(HERE, "diffusion_schedule.json"), "w") as f:
    json.dump(schedule, f)
print("alphas_cumprod[0], [500], [999] =", schedule["alphas_cumprod"][0], schedule["alphas_cumprod"][500],
      schedule["alphas_cumprod"][999])
