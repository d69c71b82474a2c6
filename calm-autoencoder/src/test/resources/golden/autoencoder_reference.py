"""Golden-reference generator for CALM for Java's autoencoder tests.

Computes, in plain numpy float64, the forward pass of a tiny autoencoder exactly as the CALM reference
implementation (models/modeling_autoencoder.py) defines it in eval mode:

  encoder: h = embed[ids] ([M, K, d]); the first num_encoder_layers // 2 AELayers (h += mlp(RMSNorm(h)));
           squeeze: Linear(K*d -> d) on the flattened chunk; the remaining layers; RMSNorm; Linear(d -> 2l);
           mean, log_std = chunk(., 2)
  decoder: Linear(l -> d); the first num_decoder_layers // 2 layers; expand: Linear(d -> K*d), reshape to K
           positions; the remaining layers; RMSNorm; logits = h @ embed^T (tied)
  kl:      per dim 0.5 * (mean^2 + std^2 - 1 - 2 log_std), clamped below, summed over l, averaged over vectors

and writes:
  tiny_autoencoder.safetensors     weights (F32, the reference's parameter names)
  tiny_autoencoder_io.safetensors  input_ids I64 [2, 8]; F32 mean, log_std [2, 2, 6]; logits_mean [2, 8, 24]
                                   (decoded from the mean); ce_mean (cross-entropy of logits_mean against
                                   input_ids); kl_clamp0, kl_clamp05 (the KL term with clamp 0 and 0.5);
                                   z [2, 3, 6] and logits_z [2, 12, 24] (decoder alone on a given z)

Weights are rounded to float32, then all arithmetic is done in float64. Rerun (deterministic, seed 20261128)
from this directory:  python3 autoencoder_reference.py
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
V, D, I, K, L, LAYERS, EPS = 24, 16, 40, 4, 6, 2, 1e-6
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


def mat(o, i): return rng.normal(0.0, 0.3, size=(o, i)).astype(np.float32)
def vec(n, mean=0.0, std=0.1): return (mean + std * rng.normal(size=n)).astype(np.float32)


W = {"encoder.embed_tokens.weight": mat(V, D)}
for side in ("encoder", "decoder"):
    for i in range(LAYERS):
        p = f"{side}.{side}_layers.{i}."
        W[p + "mlp.gate_proj.weight"] = mat(I, D)
        W[p + "mlp.up_proj.weight"] = mat(I, D)
        W[p + "mlp.down_proj.weight"] = mat(D, I)
        W[p + "layernorm.weight"] = vec(D, 1.0, 0.2)
    W[side + ".norm.weight"] = vec(D, 1.0, 0.2)
W["encoder.squeeze_layer.weight"], W["encoder.squeeze_layer.bias"] = mat(D, K * D), vec(D)
W["encoder.hidden_to_latent.weight"], W["encoder.hidden_to_latent.bias"] = mat(2 * L, D), vec(2 * L)
W["decoder.latent_to_hidden.weight"], W["decoder.latent_to_hidden.bias"] = mat(D, L), vec(D)
W["decoder.expand_layer.weight"], W["decoder.expand_layer.bias"] = mat(K * D, D), vec(K * D)
W64 = {k: v.astype(np.float64) for k, v in W.items()}


def rms_norm(x, w): return W64[w] * (x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + EPS))
def silu(x): return x / (1.0 + np.exp(-x))
def linear(x, name, bias=False): return x @ W64[name + ".weight"].T + (W64[name + ".bias"] if bias else 0.0)


def ae_layer(h, p):
    x = rms_norm(h, p + "layernorm.weight")
    return h + linear(silu(linear(x, p + "mlp.gate_proj")) * linear(x, p + "mlp.up_proj"), p + "mlp.down_proj")


def encode(ids):
    b, t = ids.shape
    h = W64["encoder.embed_tokens.weight"][ids.reshape(-1, K)]  # [M, K, d]
    for stage in range(2):
        for j in range(LAYERS // 2):
            h = ae_layer(h, f"encoder.encoder_layers.{stage * (LAYERS // 2) + j}.")
        if stage == 0:
            h = linear(h.reshape(h.shape[0], 1, -1), "encoder.squeeze_layer", bias=True)  # [M, 1, d]
    latent = linear(rms_norm(h, "encoder.norm.weight"), "encoder.hidden_to_latent", bias=True)
    latent = latent.reshape(b, t // K, 2 * L)
    return latent[..., :L], latent[..., L:]


def decode(z):
    b, n, _ = z.shape
    h = linear(z, "decoder.latent_to_hidden", bias=True)
    for stage in range(2):
        for j in range(LAYERS // 2):
            h = ae_layer(h, f"decoder.decoder_layers.{stage * (LAYERS // 2) + j}.")
        if stage == 0:
            h = linear(h, "decoder.expand_layer", bias=True).reshape(b, n * K, -1)
    return rms_norm(h, "decoder.norm.weight") @ W64["encoder.embed_tokens.weight"].T


def kl(mean, log_std, clamp):
    per_dim = 0.5 * (mean ** 2 + np.exp(2 * log_std) - 1 - 2 * log_std)
    return np.mean(np.sum(np.maximum(per_dim, clamp), axis=-1))


def cross_entropy(logits, ids):
    logp = logits - logits.max(-1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(-1, keepdims=True))
    return -np.mean(np.take_along_axis(logp, ids[..., None], -1))


ids = rng.integers(0, V, size=(2, 8)).astype(np.int64)
mean, log_std = encode(ids)
logits_mean = decode(mean)
z = rng.normal(size=(2, 3, L))
f32 = lambda x: np.asarray(x, dtype=np.float32)
IO = {"input_ids": ids, "mean": f32(mean), "log_std": f32(log_std), "logits_mean": f32(logits_mean),
      "ce_mean": f32(cross_entropy(logits_mean, ids)), "kl_clamp0": f32(kl(mean, log_std, 0.0)),
      "kl_clamp05": f32(kl(mean, log_std, 0.5)), "z": f32(z), "logits_z": f32(decode(f32(z).astype(np.float64)))}
write_safetensors(os.path.join(HERE, "tiny_autoencoder.safetensors"), W)
write_safetensors(os.path.join(HERE, "tiny_autoencoder_io.safetensors"), IO)
print("kl(0)=%.6f kl(0.5)=%.6f ce=%.6f" % (IO["kl_clamp0"], IO["kl_clamp05"], IO["ce_mean"]))
