#!/usr/bin/env python3
# Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
"""The PyTorch peer of `calm bench`: the same three models at the same shapes in plain PyTorch (eager mode),
measured the same way, so that `calm bench --peer` can put the two side by side.

Models, as the Java library defines them (Hugging Face Llama names, the reference CALM's modules):
  - the token baseline: a Llama backbone (RMSNorm, rotary embeddings, SwiGLU, grouped-query attention with a
    preallocated KV cache) and an untied LM head, trained with next-token cross-entropy;
  - the autoencoder: K token embeddings -> per-token SwiGLU layers -> squeeze -> layers -> (mean, log std);
    decoder: latent -> layers -> expand -> per-token layers -> RMSNorm -> tied logits; trained with K * CE +
    kl_weight * clamped KL, token and latent dropout;
  - CALM: embed_proj over the K embeddings of each chunk, the same backbone, the energy head (the reference's
    MLPGenerator) trained with the energy score against the frozen autoencoder's posterior, and generation that
    decodes each sampled vector with the autoencoder (argmax) and feeds the tokens back.

Measurement, as `calm bench` does it: training steps (forward, backward, clipping by global norm 1.0, AdamW with
betas (0.9, 0.95), eps 1e-8, weight decay 0.1) on random ids after 2 warm-up steps; generation with the KV cache
after a random 16-token prompt, one untimed run first, tokens per second of the whole call (prompt included), at
batch 1 on one intra-op thread and at the batched size on all of them; the matmul peak of a 1024^2 product.

Usage (the suite never needs it; `calm bench --peer` runs it):
    /usr/bin/python3 bench/pytorch_peer.py --config config.json --out result.json
Debian: apt-get install python3-torch libopenblas0-pthread (without OpenBLAS the BLAS is the slow reference one;
the matmul figure in the output shows which one ran).
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

WARMUP = 2
PROMPT = 16


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


class SwiGLU(nn.Module):
    def __init__(self, hidden, intermediate):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, intermediate, bias=False)
        self.up_proj = nn.Linear(hidden, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class KVCache:
    """Preallocated keys and values per layer, [B, kv_heads, capacity, head_dim]."""

    def __init__(self, layers, batch, kv_heads, capacity, head_dim):
        self.k = [torch.zeros(batch, kv_heads, capacity, head_dim) for _ in range(layers)]
        self.v = [torch.zeros(batch, kv_heads, capacity, head_dim) for _ in range(layers)]
        self.length = 0

    def append(self, layer, k, v):
        end = self.length + k.shape[2]
        self.k[layer][:, :, self.length:end] = k
        self.v[layer][:, :, self.length:end] = v
        return self.k[layer][:, :, :end], self.v[layer][:, :, :end]


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = c["heads"], c["kv_heads"], c["hidden"] // c["heads"]
        d = c["hidden"]
        self.q_proj = nn.Linear(d, self.heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(d, self.kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(d, self.kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.heads * self.head_dim, d, bias=False)

    def forward(self, x, cos, sin, cache, layer, mask):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:
            k, v = cache.append(layer, k, v)
        groups = self.heads // self.kv_heads
        if groups > 1:  # repeat_kv
            k = k.repeat_interleave(groups, dim=1)
            v = v.repeat_interleave(groups, dim=1)
        scores = q @ k.transpose(2, 3) / math.sqrt(self.head_dim)
        if mask is not None:
            scores = scores + mask
        out = torch.softmax(scores, dim=-1) @ v
        return self.o_proj(out.transpose(1, 2).reshape(b, t, -1))


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RMSNorm(c["hidden"], c["rms_eps"])
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c["hidden"], c["rms_eps"])
        self.mlp = SwiGLU(c["hidden"], c["intermediate"])

    def forward(self, x, cos, sin, cache, layer, mask):
        h = x + self.self_attn(self.input_layernorm(x), cos, sin, cache, layer, mask)
        return h + self.mlp(self.post_attention_layernorm(h))


class Transformer(nn.Module):
    """LlamaModel: embed_tokens, layers, norm; rotary tables computed once."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c["vocab"], c["hidden"])
        self.layers = nn.ModuleList(DecoderLayer(c) for _ in range(c["layers"]))
        self.norm = RMSNorm(c["hidden"], c["rms_eps"])
        head_dim = c["hidden"] // c["heads"]
        inv_freq = 1.0 / (c["rope_theta"] ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim))
        freqs = torch.outer(torch.arange(c["max_positions"], dtype=torch.float64), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        self.register_buffer("cos", emb.cos().float(), persistent=False)
        self.register_buffer("sin", emb.sin().float(), persistent=False)

    def new_cache(self, batch, capacity):
        c = self.c
        return KVCache(c["layers"], batch, c["kv_heads"], capacity, c["hidden"] // c["heads"])

    def forward(self, x, cache=None):
        t = x.shape[1]
        past = 0 if cache is None else cache.length
        cos, sin = self.cos[past:past + t], self.sin[past:past + t]
        mask = None
        if t > 1:
            mask = torch.full((t, past + t), float("-inf")).triu(past + 1)
        for i, layer in enumerate(self.layers):
            x = layer(x, cos, sin, cache, i, mask)
        if cache is not None:
            cache.length += t
        return self.norm(x)


class TokenBaseline(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.model = Transformer(c)
        self.lm_head = nn.Linear(c["hidden"], c["vocab"], bias=False)

    def loss(self, ids):
        logits = self.lm_head(self.model(self.model.embed_tokens(ids[:, :-1])))
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))

    tokens_per_step = 1

    def hidden(self, ids, cache):
        return self.model(self.model.embed_tokens(ids), cache)

    def sample(self, h):  # Gumbel-max, as the Java library samples
        logits = self.lm_head(h)
        u = torch.rand(logits.shape).clamp_(min=torch.finfo(torch.float32).tiny)
        return (logits - torch.log(-torch.log(u))).argmax(-1, keepdim=True)


class AELayer(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.mlp = SwiGLU(a["hidden"], a["intermediate"])
        self.layernorm = RMSNorm(a["hidden"], a["rms_eps"])

    def forward(self, x):
        return x + self.mlp(self.layernorm(x))


class Autoencoder(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.a = a
        d, k, latent = a["hidden"], a["patch"], a["latent"]
        self.embed_tokens = nn.Embedding(a["vocab"], d)
        self.encoder_layers = nn.ModuleList(AELayer(a) for _ in range(a["encoder_layers"]))
        self.squeeze_layer = nn.Linear(k * d, d)
        self.encoder_norm = RMSNorm(d, a["rms_eps"])
        self.hidden_to_latent = nn.Linear(d, 2 * latent)
        self.latent_to_hidden = nn.Linear(latent, d)
        self.decoder_layers = nn.ModuleList(AELayer(a) for _ in range(a["decoder_layers"]))
        self.expand_layer = nn.Linear(d, k * d)
        self.decoder_norm = RMSNorm(d, a["rms_eps"])

    def encode(self, ids):  # [B, T] -> mean, log std [B, T/K, l]
        b, t = ids.shape
        k = self.a["patch"]
        h = self.embed_tokens(ids.reshape(-1, k))
        before = self.a["encoder_layers"] // 2
        for layer in self.encoder_layers[:before]:
            h = layer(h)
        h = self.squeeze_layer(h.reshape(h.shape[0], -1))
        for layer in self.encoder_layers[before:]:
            h = layer(h)
        mean, log_std = self.hidden_to_latent(self.encoder_norm(h)).reshape(b, t // k, -1).chunk(2, dim=-1)
        return mean, log_std

    def decode(self, z):  # [B, N, l] -> logits [B, N*K, V]
        b, n, _ = z.shape
        h = self.latent_to_hidden(z)
        before = self.a["decoder_layers"] // 2
        for layer in self.decoder_layers[:before]:
            h = layer(h)
        h = self.expand_layer(h).reshape(b, n * self.a["patch"], -1)
        for layer in self.decoder_layers[before:]:
            h = layer(h)
        return self.decoder_norm(h) @ self.embed_tokens.weight.t()

    def loss(self, ids):
        a = self.a
        p = a["dropout"]
        keep = (torch.rand(ids.shape) >= p).long()
        mean, log_std = self.encode(ids * keep)
        z = mean + log_std.exp() * torch.randn_like(mean)
        z = F.dropout(z, p)
        ce = F.cross_entropy(self.decode(z).reshape(-1, a["vocab"]), ids.reshape(-1))
        kl = 0.5 * (mean.pow(2) + (2 * log_std).exp() - 1 - 2 * log_std)
        kl = kl.clamp(min=a["kl_clamp"]).sum(-1).mean()
        return ce * a["patch"] + a["kl_weight"] * kl


class MLPBlock(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.in_ln = nn.LayerNorm(d, eps=1e-6)
        self.linears = nn.Sequential(nn.Linear(2 * d, d), nn.SiLU(), nn.Linear(d, d), nn.SiLU(), nn.Linear(d, 2 * d))
        self.down_proj = nn.Linear(d, d)

    def forward(self, x, y):
        gate, up = self.linears(torch.cat([self.in_ln(x), y], dim=-1)).chunk(2, dim=-1)
        return x + self.down_proj(F.silu(gate) * up)


class EnergyHead(nn.Module):
    """The reference's MLPGenerator."""

    def __init__(self, c):
        super().__init__()
        d, self.noise_size = c["hidden"], c["noise"]
        self.noise_embd = nn.Linear(self.noise_size, d)
        self.hidden_embd = nn.Linear(d, d)
        self.norm_hidden = nn.LayerNorm(d, eps=1e-6)
        self.norm_noise = nn.LayerNorm(d, eps=1e-6)
        self.mlp_blocks = nn.ModuleList(MLPBlock(d) for _ in range(c["head_blocks"]))
        self.final_in_ln = nn.LayerNorm(d, eps=1e-6)
        self.final_linears = nn.Sequential(nn.Linear(d, d), nn.SiLU(), nn.Linear(d, c["latent"]))

    def forward(self, hidden, n):  # [P, d] -> [n, P, l]
        noise = torch.rand(n, hidden.shape[0], self.noise_size) - 0.5
        x = self.norm_noise(self.noise_embd(noise))
        y = self.norm_hidden(self.hidden_embd(hidden)).expand(n, -1, -1)
        for block in self.mlp_blocks:
            x = block(x, y)
        return self.final_linears(self.final_in_ln(x))


def energy_loss(x, y):
    """-S of the energy score (beta 1): x [N, P, l] model samples, y [M, P, l] target samples."""
    n, m = x.shape[0], y.shape[0]
    xp, yp = x.transpose(0, 1), y.transpose(0, 1)
    self_pairs = torch.cdist(xp, xp)  # [P, N, N], zero diagonal
    diversity = self_pairs.sum(dim=(1, 2)) / (n * (n - 1))
    fidelity = torch.cdist(xp, yp).sum(dim=(1, 2)) / (n * m)
    return (2 * fidelity - diversity).mean()


class Calm(nn.Module):
    def __init__(self, c, ae):
        super().__init__()
        self.c = c
        self.transformer = Transformer(c)
        d, k = c["hidden"], c["patch"]
        self.embed_proj = nn.Sequential(nn.Linear(k * d, 2 * d), nn.SiLU(), nn.Linear(2 * d, d), nn.LayerNorm(d, eps=1e-6))
        self.mlp_generator = EnergyHead(c)
        self.ae = ae
        for p in ae.parameters():
            p.requires_grad_(False)

    tokens_per_step = property(lambda self: self.c["patch"])

    def hidden(self, ids, cache):
        b, t = ids.shape
        k = self.c["patch"]
        e = self.transformer.embed_tokens(ids).reshape(b, t // k, k * self.c["hidden"])
        return self.transformer(self.embed_proj(e), cache)

    def loss(self, ids):
        k = self.c["patch"]
        b = ids.shape[0]
        with torch.no_grad():
            mean, log_std = self.ae.encode(ids[:, k:])
        h = self.hidden(ids[:, :-k], None).reshape(-1, self.c["hidden"])
        x = self.mlp_generator(h, self.c["samples"])
        std, mean = log_std.exp().reshape(-1, self.c["latent"]), mean.reshape(-1, self.c["latent"])
        y = mean + std * torch.randn(self.c["targets"], *mean.shape)
        return energy_loss(x, y)

    def sample(self, h):
        z = self.mlp_generator(h, 1).transpose(0, 1)  # [P, 1, l]
        return self.ae.decode(z).argmax(-1)  # [P, K]


def train_speed(model, make_loss, vocab, batch, seq, steps):
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=3e-4, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
    start = 0.0
    for step in range(WARMUP + steps):
        if step == WARMUP:
            start = time.perf_counter()
        ids = torch.randint(0, vocab, (batch, seq))
        loss = make_loss(ids)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        loss.item()  # the step's loss, as the Java trainer reads it
    return steps * batch * seq / (time.perf_counter() - start)


@torch.inference_mode()
def generate(model, backbone, prompts, new_tokens):
    k = model.tokens_per_step
    b = prompts.shape[0]
    cache = backbone.new_cache(b, PROMPT + new_tokens + k)
    ids, produced = prompts, 0
    while produced < new_tokens:
        h = model.hidden(ids, cache)[:, -1]
        ids = model.sample(h).reshape(b, k)
        ids.tolist()  # the one copy to the host per step, as the Java generator makes it
        produced += k
    return b * new_tokens


def generate_speed(model, backbone, vocab, batch, tokens, threads):
    torch.set_num_threads(1 if batch == 1 else threads)
    prompts = torch.randint(0, vocab, (batch, PROMPT))
    generate(model, backbone, prompts, tokens)
    start = time.perf_counter()
    n = generate(model, backbone, prompts, tokens)
    seconds = time.perf_counter() - start
    torch.set_num_threads(threads)
    return n / seconds


@torch.inference_mode()
def decode_speed(ae, batch, calls, threads):
    torch.set_num_threads(1 if batch == 1 else threads)
    z = torch.randn(batch, 1, ae.a["latent"])
    for _ in range(WARMUP):
        ae.decode(z).argmax(-1).tolist()
    start = time.perf_counter()
    for _ in range(calls):
        ae.decode(z).argmax(-1).tolist()
    seconds = time.perf_counter() - start
    torch.set_num_threads(threads)
    return calls * batch * ae.a["patch"] / seconds


def matmul_gflops(size):
    a, b = torch.randn(size, size), torch.randn(size, size)
    for _ in range(2):
        a @ b
    best = float("inf")
    for _ in range(3):
        calls, start = 0, time.perf_counter()
        while True:
            a @ b
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= 0.25 and calls >= 3:
                break
        best = min(best, elapsed / calls)
    return 2.0 * size ** 3 / best / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="shapes and settings, written by calm bench --peer")
    parser.add_argument("--out", required=True, help="where to write the figures (JSON)")
    args = parser.parse_args()
    with open(args.config) as f:
        cfg = json.load(f)
    c, a, s = cfg["calm"], cfg["autoencoder"], cfg["settings"]
    threads = s["threads"]
    torch.manual_seed(s["seed"])
    torch.set_num_threads(threads)
    vocab, batch, seq, steps = c["vocab"], s["batch"], s["seq"], s["steps"]
    gen_tokens, gen_batch = s["gen_tokens"], s["gen_batch"]
    out = {"engine": {"threads": threads, "matmul_gflops_1024": matmul_gflops(1024),
                      "torch": torch.__version__}}
    batched = "_batch%d" % gen_batch

    baseline = TokenBaseline(c)
    out["baseline"] = {"parameters": sum(p.numel() for p in baseline.parameters())}
    if steps > 0:
        out["baseline"]["train_tokens_per_s"] = train_speed(baseline, baseline.loss, vocab, batch, seq, steps)
    baseline.eval()
    for n, key in ((1, "_batch1"), (gen_batch, batched)):
        out["baseline"]["generate_tokens_per_s" + key] = generate_speed(baseline, baseline.model, vocab, n,
                                                                        gen_tokens, threads)
    del baseline

    ae = Autoencoder(a)
    out["autoencoder"] = {"parameters": sum(p.numel() for p in ae.parameters())}
    if steps > 0:
        out["autoencoder"]["train_tokens_per_s"] = train_speed(ae, ae.loss, vocab, batch, seq, steps)
    ae.eval()
    calls = max(1, gen_tokens // a["patch"])
    for n, key in ((1, "_batch1"), (gen_batch, batched)):
        out["autoencoder"]["generate_tokens_per_s" + key] = decode_speed(ae, n, calls, threads)

    calm = Calm(c, ae)
    out["calm"] = {"parameters": sum(p.numel() for n_, p in calm.named_parameters() if not n_.startswith("ae."))}
    if steps > 0:
        out["calm"]["train_tokens_per_s"] = train_speed(calm, calm.loss, vocab, batch, seq, steps)
    calm.eval()
    for n, key in ((1, "_batch1"), (gen_batch, batched)):
        out["calm"]["generate_tokens_per_s" + key] = generate_speed(calm, calm.transformer, vocab, n, gen_tokens,
                                                                    threads)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
