#!/usr/bin/python3
# Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
"""Writes tiny models in the layout of the reference CALM implementation (github.com/shaochenze/calm) into
calm-core/src/test/resources/official, with reference outputs computed by real PyTorch modules.

The modules below are written for this script after the reference's modeling_autoencoder.py and
modeling_energy.py and after Hugging Face's LlamaModel (eager attention): the same parameter names, the same
registration (the autoencoder's decoder.lm_head_weight is the encoder's embedding registered a second time, the
energy head sits under both mlp_generator and generative_head, the frozen autoencoder under ae_model), and the
same arithmetic. Checkpoints are written by the real torch.save (pytorch_model.bin) and, since the safetensors
package is not in Debian, safetensors files are written by hand below.

Run with Debian's PyTorch (apt-get install -y python3-torch libopenblas0-pthread):
    /usr/bin/python3 calm-core/src/test/python/make_official_fixtures.py
CI and the Java tests never run it; they read the committed files.
"""
import collections
import io
import json
import math
import os
import shutil
import struct
import sys

import torch
from torch import nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "official")

# ---------------------------------------------------------------- the tokenizer (Llama-3 family, tiny)

def bytes_to_unicode():
    """GPT-2's byte-level alphabet, which the Llama-3 tokenizer.json uses too."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + list(range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


MERGES = ["Ġ t", "h e", "Ġt he", "i n", "a n", "Ġ a", "e r", "o n"]
SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>"]
LLAMA3_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def tokenizer_json():
    vocab = {}
    for b, ch in bytes_to_unicode().items():
        vocab[ch] = len(vocab)
    for merge in MERGES:
        vocab[merge.replace(" ", "")] = len(vocab)
    bos = len(vocab)
    added = [{"id": len(vocab) + i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, s in enumerate(SPECIALS)]
    byte_level = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True}
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": LLAMA3_SPLIT}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "Sequence", "processors": [byte_level, {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": SPECIALS[0], "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": SPECIALS[0], "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": SPECIALS[0], "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {SPECIALS[0]: {"id": SPECIALS[0], "ids": [bos], "tokens": [SPECIALS[0]]}}}]},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": True,
                  "vocab": vocab, "merges": MERGES},
    }


TOKENIZER = tokenizer_json()
BASE_VOCAB = len(TOKENIZER["model"]["vocab"]) + len(SPECIALS)  # 268, as len(tokenizer) before [PAD]
VOCAB = BASE_VOCAB + 1  # the reference adds [PAD] when the tokenizer has no pad token
BOS, EOS, PAD = BASE_VOCAB - 4, BASE_VOCAB - 3, BASE_VOCAB
TOKENIZER_CONFIG = {"bos_token": SPECIALS[0], "eos_token": SPECIALS[1], "model_max_length": 131072,
                    "tokenizer_class": "PreTrainedTokenizerFast", "clean_up_tokenization_spaces": True}

# ---------------------------------------------------------------- modules after the reference

class RMSNorm(nn.Module):  # Hugging Face's LlamaRMSNorm
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.variance_epsilon = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.to(torch.float32)
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.variance_epsilon)
        return self.weight * x.to(dtype)


class MLP(nn.Module):  # LlamaMLP
    def __init__(self, hidden, inner):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, inner, bias=False)
        self.up_proj = nn.Linear(hidden, inner, bias=False)
        self.down_proj = nn.Linear(inner, hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class AELayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.mlp = MLP(c["hidden_size"], c["intermediate_size"])
        self.layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])

    def forward(self, x):
        return x + self.mlp(self.layernorm(x))


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, self.k, self.l = c["hidden_size"], c["patch_size"], c["latent_size"]
        self.embed_tokens = nn.Embedding(c["vocab_size"], d)
        self.encoder_layers = nn.ModuleList([AELayer(c) for _ in range(c["num_encoder_layers"])])
        self.stage = c["num_encoder_layers"] // 2
        self.hidden_to_latent = nn.Linear(d, 2 * self.l)
        self.squeeze_layer = nn.Linear(self.k * d, d)
        self.norm = RMSNorm(d, c["rms_norm_eps"])

    def forward(self, ids):  # [B, T] -> [B, T/K, 2l]
        b, t = ids.shape
        n = t // self.k
        h = self.embed_tokens(ids.reshape(b * n, self.k))
        for stage in range(2):
            for i in range(self.stage):
                h = self.encoder_layers[stage * self.stage + i](h)
            if stage == 0:
                h = self.squeeze_layer(h.view(b * n, 1, -1))
        return self.hidden_to_latent(self.norm(h)).reshape(b, n, 2 * self.l)


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, self.k = c["hidden_size"], c["patch_size"]
        self.latent_to_hidden = nn.Linear(c["latent_size"], d)
        self.decoder_layers = nn.ModuleList([AELayer(c) for _ in range(c["num_decoder_layers"])])
        self.stage = c["num_decoder_layers"] // 2
        self.expand_layer = nn.Linear(d, self.k * d)
        self.norm = RMSNorm(d, c["rms_norm_eps"])

    def forward(self, z):  # [B, N, l] -> [B, N*K, V]
        b, n, _ = z.shape
        h = self.latent_to_hidden(z)
        for stage in range(2):
            for i in range(self.stage):
                h = self.decoder_layers[stage * self.stage + i](h)
            if stage == 0:
                h = self.expand_layer(h).reshape(b, n * self.k, -1)
        return F.linear(self.norm(h), self.lm_head_weight)


class Autoencoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.encoder = Encoder(c)
        self.decoder = Decoder(c)
        self.decoder.lm_head_weight = self.encoder.embed_tokens.weight  # registered twice, as in the reference


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):  # LlamaAttention, eager
    def __init__(self, c):
        super().__init__()
        d, self.h, self.kv = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
        self.hd = d // self.h
        self.theta = c["rope_theta"]
        self.q_proj = nn.Linear(d, self.h * self.hd, bias=False)
        self.k_proj = nn.Linear(d, self.kv * self.hd, bias=False)
        self.v_proj = nn.Linear(d, self.kv * self.hd, bias=False)
        self.o_proj = nn.Linear(self.h * self.hd, d, bias=False)

    def forward(self, x):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv, self.hd).transpose(1, 2)
        inv_freq = 1.0 / (self.theta ** (torch.arange(0, self.hd, 2, dtype=torch.int64).float() / self.hd))
        freqs = torch.arange(t, dtype=torch.float32)[:, None] * inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(self.h // self.kv, dim=1)  # repeat_kv
        v = v.repeat_interleave(self.h // self.kv, dim=1)
        scores = q @ k.transpose(2, 3) / math.sqrt(self.hd)
        scores = scores + torch.full((t, t), torch.finfo(torch.float32).min).triu(1)
        out = torch.softmax(scores, dim=-1, dtype=torch.float32) @ v
        return self.o_proj(out.transpose(1, 2).reshape(b, t, -1))


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn = Attention(c)
        self.mlp = MLP(c["hidden_size"], c["intermediate_size"])
        self.input_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.post_attention_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])

    def forward(self, x):
        h = x + self.self_attn(self.input_layernorm(x))
        return h + self.mlp(self.post_attention_layernorm(h))


class LlamaModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList([DecoderLayer(c) for _ in range(c["num_hidden_layers"])])
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])

    def forward(self, inputs_embeds):
        h = inputs_embeds
        for layer in self.layers:
            h = layer(h)
        return self.norm(h)


class LlamaForCausalLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.model = LlamaModel(c)
        self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)


class MLPBlock(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.in_ln = nn.LayerNorm(d, eps=1e-6)
        self.linears = nn.Sequential(nn.Linear(2 * d, d), nn.SiLU(), nn.Linear(d, d), nn.SiLU(), nn.Linear(d, 2 * d))
        self.down_proj = nn.Linear(d, d)

    def forward(self, x, y):
        gate, up = torch.chunk(self.linears(torch.cat((self.in_ln(x), y), dim=-1)), 2, dim=-1)
        return x + self.down_proj(F.silu(gate) * up)


class FinalLayer(nn.Module):
    def __init__(self, d, out):
        super().__init__()
        self.in_ln = nn.LayerNorm(d, eps=1e-6)
        self.linears = nn.Sequential(nn.Linear(d, d), nn.SiLU(), nn.Linear(d, out))

    def forward(self, x):
        return self.linears(self.in_ln(x))


class MLPGenerator(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.noise_embd = nn.Linear(c["noise_size"], d)
        self.hidden_embd = nn.Linear(d, d)
        self.norm_hidden = nn.LayerNorm(d, eps=1e-6)
        self.norm_noise = nn.LayerNorm(d, eps=1e-6)
        self.mlp_blocks = nn.ModuleList([MLPBlock(d) for _ in range(c["num_mlp_layers"])])
        self.final_layer = FinalLayer(d, c["latent_size"])

    def sample_with(self, hidden, noise):  # sample() with the noise given instead of drawn
        x = self.norm_noise(self.noise_embd(noise))
        y = self.norm_hidden(self.hidden_embd(hidden))
        for block in self.mlp_blocks:
            x = block(x, y)
        return self.final_layer(x)


class EnergyTransformer(nn.Module):
    def __init__(self, c, ae):
        super().__init__()
        self.ae_model = ae
        self.transformer = LlamaModel(c)
        self.mlp_generator = MLPGenerator(c)
        self.generative_head = self.mlp_generator  # the reference registers the head twice
        d, self.k = c["hidden_size"], c["patch_size"]
        self.embed_proj = nn.Sequential(nn.Linear(self.k * d, 2 * d), nn.SiLU(), nn.Linear(2 * d, d),
                                        nn.LayerNorm(d, eps=1e-6))

    def hidden(self, ids):  # [B, T] -> [B, T/K, d]
        b, t = ids.shape
        e = self.transformer.embed_tokens(ids).reshape(b, t // self.k, -1)
        return self.transformer(self.embed_proj(e))

# ---------------------------------------------------------------- configs as the reference saves them

AE_CONFIG = {"architectures": ["Autoencoder"], "ae_dropout": 0.15, "kl_clamp": 0.5, "kl_weight": 0.001,
             "patch_size": 4, "vocab_size": VOCAB, "hidden_size": 16, "intermediate_size": 32,
             "num_encoder_layers": 2, "num_decoder_layers": 2, "latent_size": 8, "hidden_act": "silu",
             "max_position_embeddings": 2048, "initializer_range": 0.02, "rms_norm_eps": 1e-06,
             "pretraining_tp": 1, "mlp_bias": False, "pad_token_id": PAD, "bos_token_id": BOS,
             "eos_token_id": EOS, "tie_word_embeddings": False, "torch_dtype": "float32",
             "transformers_version": "4.43.0"}

CALM_CONFIG = {"architectures": ["EnergyTransformer"], "ae_path": "/mnt/cfs/calm/checkpoints/autoencoder",
               "model_type": "energy", "patch_size": 4, "num_mlp_layers": 2, "num_samples": 8, "beta": 1.0,
               "noise_size": 8, "vocab_size": VOCAB, "hidden_size": 16, "intermediate_size": 32,
               "num_hidden_layers": 2, "latent_size": 8, "num_attention_heads": 4, "num_key_value_heads": 2,
               "hidden_act": "silu", "max_position_embeddings": 64, "initializer_range": 0.02,
               "rms_norm_eps": 1e-06, "use_cache": True, "pad_token_id": PAD, "bos_token_id": BOS,
               "eos_token_id": EOS, "pretraining_tp": 1, "tie_word_embeddings": False, "rope_theta": 10000.0,
               "rope_scaling": None, "attention_bias": False, "attention_dropout": 0.0, "mlp_bias": False,
               "torch_dtype": "float32", "transformers_version": "4.43.0"}

LLAMA_CONFIG = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": VOCAB,
                "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
                "num_key_value_heads": 2, "hidden_act": "silu", "max_position_embeddings": 64,
                "initializer_range": 0.02, "rms_norm_eps": 1e-06, "use_cache": True, "pad_token_id": PAD,
                "bos_token_id": BOS, "eos_token_id": EOS, "pretraining_tp": 1, "tie_word_embeddings": False,
                "rope_theta": 10000.0, "rope_scaling": None, "attention_bias": False, "attention_dropout": 0.0,
                "mlp_bias": False, "torch_dtype": "float32", "transformers_version": "4.43.0"}

# ---------------------------------------------------------------- writers

ST_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        data = tensor_bytes(t)
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def fresh(name):
    path = os.path.join(ROOT, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def randomise(module, generator):
    """Every parameter random (norm gains around 1), so that a wrong name or transpose shows in the outputs."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("norm.weight") or name.endswith("layernorm.weight") or ".in_ln." in name \
                    or "norm_" in name or name.startswith("embed_proj.3"):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=generator))
            else:
                p.copy_(0.3 * torch.randn(p.shape, generator=generator))


def rounded(module, dtype):
    """The module with its weights rounded to dtype and widened back: what a Java reader of a dtype file sees."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(p.to(dtype).to(torch.float32))
    return module


def state_dict_as(module, dtype):
    return collections.OrderedDict((k, v.to(dtype)) for k, v in module.state_dict().items())


def copy_tokenizer(path):
    write_json(os.path.join(path, "tokenizer.json"), TOKENIZER)
    write_json(os.path.join(path, "tokenizer_config.json"), TOKENIZER_CONFIG)

# ---------------------------------------------------------------- the fixtures

@torch.no_grad()
def autoencoder_fixture(ae, ids):
    path = fresh("autoencoder")
    write_json(os.path.join(path, "config.json"), AE_CONFIG)
    torch.save(ae.state_dict(), os.path.join(path, "pytorch_model.bin"))
    latent = ae.encoder(ids)
    mean, log_std = torch.chunk(latent, 2, dim=-1)
    logits = ae.decoder(mean)
    write_safetensors(os.path.join(path, "reference.safetensors"), collections.OrderedDict(
        input_ids=ids, mean=mean.contiguous(), log_std=log_std.contiguous(), logits=logits,
        reconstruction=logits.argmax(-1)), {"format": "pt"})


@torch.no_grad()
def calm_reference(calm, ids, generator):
    hidden = calm.hidden(ids)  # [B, N, d]
    positions = hidden.reshape(-1, hidden.shape[-1])  # [P, d]
    noise = torch.rand((3, positions.shape[0], CALM_CONFIG["noise_size"]), generator=generator) - 0.5
    z = calm.mlp_generator.sample_with(positions.unsqueeze(0).expand(3, -1, -1), noise)  # [3, P, l]
    tokens = calm.ae_model.decoder(z).argmax(-1)  # [3, P*K]
    return collections.OrderedDict(input_ids=ids, hidden=hidden, noise=noise, head_output=z, tokens=tokens)


def calm_fixtures(calm, ids, generator):
    path = fresh("calm")
    write_json(os.path.join(path, "config.json"), CALM_CONFIG)
    torch.save(calm.state_dict(), os.path.join(path, "pytorch_model.bin"))  # ae_model.*, both head prefixes
    write_safetensors(os.path.join(path, "reference.safetensors"), calm_reference(calm, ids, generator),
                      {"format": "pt"})
    copy_tokenizer(path)

    # the same weights without the autoencoder, which sits in the sibling autoencoder/ named by ae_path
    path = fresh("calm-sibling")
    write_json(os.path.join(path, "config.json"), CALM_CONFIG)
    write_safetensors(os.path.join(path, "model.safetensors"), collections.OrderedDict(
        (k, v) for k, v in calm.state_dict().items()
        if not k.startswith("ae_model.") and not k.startswith("generative_head.")), {"format": "pt"})

    # BF16, through torch.save (BFloat16Storage); reference outputs of the rounded weights in FP32
    bf16 = rounded(calm_copy(calm), torch.bfloat16)
    path = fresh("calm-bf16")
    write_json(os.path.join(path, "config.json"), dict(CALM_CONFIG, torch_dtype="bfloat16"))
    torch.save(state_dict_as(calm, torch.bfloat16), os.path.join(path, "pytorch_model.bin"))
    write_safetensors(os.path.join(path, "reference.safetensors"), calm_reference(bf16, ids, generator),
                      {"format": "pt"})

    # F16 safetensors in two shards with an index; only the generative_head.* prefix, only the encoder's embedding
    f16 = rounded(calm_copy(calm), torch.float16)
    path = fresh("calm-f16-sharded")
    write_json(os.path.join(path, "config.json"), dict(CALM_CONFIG, torch_dtype="float16"))
    tensors = collections.OrderedDict((k, v.to(torch.float16)) for k, v in calm.state_dict().items()
                                      if not k.startswith("mlp_generator.") and k != "ae_model.decoder.lm_head_weight")
    names = list(tensors)
    shards = [names[: len(names) // 2], names[len(names) // 2:]]
    weight_map = {}
    for i, shard in enumerate(shards):
        file = "model-%05d-of-%05d.safetensors" % (i + 1, len(shards))
        write_safetensors(os.path.join(path, file), collections.OrderedDict((n, tensors[n]) for n in shard),
                          {"format": "pt"})
        weight_map.update({n: file for n in shard})
    total = sum(t.numel() * t.element_size() for t in tensors.values())
    write_json(os.path.join(path, "model.safetensors.index.json"),
               {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))})
    write_safetensors(os.path.join(path, "reference.safetensors"), calm_reference(f16, ids, generator),
                      {"format": "pt"})


def calm_copy(calm):
    ae = Autoencoder(AE_CONFIG)
    copy = EnergyTransformer(CALM_CONFIG, ae)
    copy.load_state_dict(calm.state_dict())
    return copy


@torch.no_grad()
def llama_fixture(generator):
    llama = LlamaForCausalLM(LLAMA_CONFIG)
    randomise(llama, generator)
    path = fresh("llama")
    write_json(os.path.join(path, "config.json"), LLAMA_CONFIG)
    torch.save(llama.state_dict(), os.path.join(path, "pytorch_model.bin"))
    ids = torch.randint(0, BASE_VOCAB, (2, 12), generator=generator)
    hidden = llama.model(llama.model.embed_tokens(ids))
    write_safetensors(os.path.join(path, "reference.safetensors"), collections.OrderedDict(
        input_ids=ids, hidden=hidden, logits=llama.lm_head(hidden)), {"format": "pt"})
    copy_tokenizer(path)


class Exploit:
    """An object whose unpickling would run a shell command: the reader must refuse its global, never run it."""

    def __reduce__(self):
        return (os.system, ("exit 0",))


@torch.no_grad()
def torch_fixtures(generator):
    """State dicts with the views torch.save writes: offsets, strides, every storage type, a Parameter."""
    path = fresh("torch")
    base = torch.randn(6, 5, generator=generator)
    big = torch.randn(40, generator=generator)
    views = collections.OrderedDict()
    views["transposed"] = base.t()  # stride (1, 5)
    views["column"] = base[:, 2]  # offset 2, stride (5,)
    views["slice"] = big[7:19].view(3, 4)  # offset 7 of a 40-element storage
    views["every_other"] = big[1::2]  # stride 2
    views["half"] = torch.randn(3, 4, generator=generator).to(torch.float16)
    views["bfloat16"] = torch.randn(2, 3, generator=generator).to(torch.bfloat16).t()
    views["long"] = torch.arange(-3, 9, dtype=torch.int64).view(3, 4)
    views["scalar"] = torch.tensor(2.5)
    views["empty"] = torch.zeros(0, 4)
    views["shared_a"] = base  # two names for one storage, as tied weights
    views["shared_b"] = base
    torch.save(views, os.path.join(path, "views.bin"))
    write_safetensors(os.path.join(path, "views.safetensors"),
                      collections.OrderedDict((k, v.contiguous()) for k, v in views.items()))
    params = {"weight": nn.Parameter(torch.randn(2, 2, generator=generator))}
    torch.save(params, os.path.join(path, "parameter.bin"))
    write_safetensors(os.path.join(path, "parameter.safetensors"), {"weight": params["weight"].detach()})
    torch.save({"weight": torch.ones(2), "exploit": Exploit()}, os.path.join(path, "refused-global.bin"))
    torch.save({"model": {"weight": torch.ones(2)}, "step": 3}, os.path.join(path, "nested.bin"))
    legacy_save(collections.OrderedDict(weight=torch.ones(2)), os.path.join(path, "legacy.bin"))


def legacy_save(state, path):
    """torch.save in the format before PyTorch 1.6 (one storage), reproducibly: that format names each storage by
    its memory address (str(storage._cdata)), which differs on every run, so the name becomes "0"."""
    buffer = io.BytesIO()
    torch.save(state, buffer, _use_new_zipfile_serialization=False)
    (tensor,) = state.values()
    key = str(tensor.storage()._storage._cdata).encode()
    address = b"X" + struct.pack("<I", len(key)) + key  # the pickled string, in the tensor and in the key list
    data = buffer.getvalue()
    assert data.count(address) == 2, "unexpected legacy layout"
    with open(path, "wb") as f:
        f.write(data.replace(address, b"X" + struct.pack("<I", 1) + b"0"))


def main():
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(20251101)
    os.makedirs(ROOT, exist_ok=True)
    path = fresh("tokenizer")
    copy_tokenizer(path)
    write_json(os.path.join(path, "special_tokens_map.json"), {"bos_token": SPECIALS[0], "eos_token": SPECIALS[1]})

    calm = EnergyTransformer(CALM_CONFIG, Autoencoder(AE_CONFIG))
    randomise(calm, generator)  # the autoencoder too: calm.ae_model is the one written to autoencoder/
    autoencoder_fixture(calm.ae_model, torch.randint(0, BASE_VOCAB, (2, 16), generator=generator))
    calm_fixtures(calm, torch.randint(0, BASE_VOCAB, (2, 16), generator=generator), generator)
    llama_fixture(generator)
    torch_fixtures(generator)
    print("wrote", ROOT, file=sys.stderr)


if __name__ == "__main__":
    main()
