"""Parameter formulas of the dense families: Llama-style decoders described by which optional pieces each
layer has, and the older shapes (GPT-2, GPT-NeoX, GPT-J, Falcon, BLOOM, OPT, T5, BERT) written out one by
one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from cardlint.extract.arch_config import ModelConfig
from cardlint.extract.arch_counts import EXTRA_MLM_HEAD, ParameterCounts, counts_of


def attention_params(
    c: ModelConfig, *, qkv_bias: bool = False, o_bias: bool = False, qk_norm: int = 0
) -> int:
    """Grouped-query attention: q, k, v, o projections plus optional biases and QK-norm weights."""
    h, nh, nkv, hd = c.hidden, c.heads, c.kv_heads, c.head_dim
    params = h * nh * hd + 2 * h * nkv * hd + nh * hd * h
    if qkv_bias:
        params += nh * hd + 2 * nkv * hd
    if o_bias:
        params += h
    return params + qk_norm


def lm_head_params(c: ModelConfig, tied_default: bool) -> tuple[int, bool]:
    """(lm_head size, tied?) for a V×h output projection."""
    tied = c.flag("tie_word_embeddings", tied_default)
    return (0 if tied else c.vocab * c.hidden), tied


@dataclass(frozen=True)
class _Dense:
    """One family of Llama-style decoders: which optional pieces each layer has."""

    tied_default: bool = False
    norms: int = 2  # norm weight vectors per layer
    norm_size: int = 1  # 1 for RMSNorm (weight), 2 for LayerNorm (weight + bias)
    qkv_bias: bool = False
    o_bias: bool = False
    qk_norm: str = ""  # "" | "per-head" (2·hd) | "full" (nh·hd + nkv·hd)
    bias_key: str | None = None  # config key that switches q/k/v/o biases on
    final_norm: bool = True


def qk_norm_params(c: ModelConfig, kind: str) -> int:
    if kind == "per-head":
        return 2 * c.head_dim
    if kind == "full":
        return (c.heads + c.kv_heads) * c.head_dim
    return 0


def _dense_decoder(spec: _Dense) -> Callable[[ModelConfig, str], ParameterCounts]:
    def count(c: ModelConfig, model_type: str) -> ParameterCounts:
        h, layers, vocab = c.hidden, c.layers, c.vocab
        biased = bool(spec.bias_key) and c.flag(spec.bias_key or "", False)
        attn = attention_params(
            c,
            qkv_bias=spec.qkv_bias or biased,
            o_bias=spec.o_bias or biased,
            qk_norm=qk_norm_params(c, spec.qk_norm),
        )
        inner = c.mlp()
        mlp = 3 * h * inner + (2 * inner + h if c.flag("mlp_bias", False) else 0)
        layer = attn + mlp + spec.norms * spec.norm_size * h
        head, tied = lm_head_params(c, spec.tied_default)
        total = vocab * h + head + layers * layer + (spec.norm_size * h if spec.final_norm else 0)
        return counts_of(total, total, vocab * h, model_type, tied, buffers=layers * (c.head_dim // 2))

    return count


def _stablelm(c: ModelConfig, model_type: str) -> ParameterCounts:
    parallel = c.flag("use_parallel_residual", False)
    spec = _Dense(norms=1 if parallel else 2, norm_size=2, qkv_bias=c.flag("use_qkv_bias", False))
    counts = _dense_decoder(spec)(c, model_type)
    if c.flag("qk_layernorm", False):
        per_layer = 2 * (c.heads + c.kv_heads) * c.head_dim  # per-head LayerNorms, weight and bias
        counts = replace(
            counts, total=counts.total + c.layers * per_layer, active=counts.active + c.layers * per_layer
        )
    return counts


def _starcoder2(c: ModelConfig, model_type: str) -> ParameterCounts:
    h, inner, biased = c.hidden, c.mlp(), c.flag("use_bias", True)
    attn = attention_params(c, qkv_bias=biased, o_bias=biased)
    mlp = 2 * h * inner + (inner + h if biased else 0)
    layer = attn + mlp + 2 * 2 * h
    head, tied = lm_head_params(c, True)
    total = c.vocab * h + head + c.layers * layer + 2 * h
    return counts_of(total, total, c.vocab * h, model_type, tied)


def _phi(c: ModelConfig, model_type: str) -> ParameterCounts:
    """Phi-1/1.5/2: one LayerNorm per parallel block, biased projections, lm_head with bias."""
    h = c.hidden
    inner = c.mlp(default=4 * h)
    qk_ln = 2 * 2 * c.head_dim if c.flag("qk_layernorm", False) else 0
    layer = (
        2 * h
        + attention_params(c, qkv_bias=True, o_bias=True)
        + qk_ln
        + (h * inner + inner)
        + (inner * h + h)
    )
    head, tied = lm_head_params(c, False)
    total = c.vocab * h + c.layers * layer + 2 * h + (0 if tied else head + c.vocab)
    return counts_of(total, total, c.vocab * h, model_type, tied)


def _gpt2_like(c: ModelConfig, model_type: str) -> ParameterCounts:
    """GPT-2 and GPT-BigCode: learned positions, Conv1D projections with biases, tied head."""
    h, layers = c.hidden, c.layers
    inner = c.mlp(default=4 * h)
    positions = c.num("n_positions", "max_position_embeddings")
    if model_type == "gpt_bigcode" and c.flag("multi_query", True):
        kv = 2 * c.head_dim
        qkv = h * (h + kv) + (h + kv)
    else:
        qkv = 3 * h * h + 3 * h
    layer = 2 * h + qkv + (h * h + h) + 2 * h + (h * inner + inner) + (inner * h + h)
    head, tied = lm_head_params(c, True)
    total = c.vocab * h + positions * h + layers * layer + 2 * h + head
    mask = layers * positions * positions if model_type == "gpt2" else 0
    return counts_of(total, total, c.vocab * h, model_type, tied, buffers=mask)


def _gpt_neox(c: ModelConfig, model_type: str) -> ParameterCounts:
    h, layers = c.hidden, c.layers
    inner = c.mlp(default=4 * h)
    biased = c.flag("attention_bias", True)
    attn = (3 * h * h + (3 * h if biased else 0)) + (h * h + (h if biased else 0))
    layer = 2 * 2 * h + attn + (h * inner + inner) + (inner * h + h)
    head, tied = lm_head_params(c, False)
    total = c.vocab * h + head + layers * layer + 2 * h
    positions = c.num("max_position_embeddings", default=0)
    rotary = int(c.head_dim * float(c.raw("rotary_pct") or 1.0))
    buffers = layers * (positions * positions + rotary // 2)
    return counts_of(total, total, c.vocab * h, model_type, tied, buffers=buffers)


def _gptj(c: ModelConfig, model_type: str) -> ParameterCounts:
    h, layers = c.hidden, c.layers
    inner = c.mlp(default=4 * h)
    layer = 2 * h + 4 * h * h + (h * inner + inner) + (inner * h + h)
    head, tied = lm_head_params(c, False)
    total = c.vocab * h + layers * layer + 2 * h + (0 if tied else head + c.vocab)
    return counts_of(
        total,
        total,
        c.vocab * h,
        model_type,
        tied,
        notes=("GPT-J's own README counts 6,053,381,344 for 6B (a Mesh-TF count)",),
    )


def _falcon(c: ModelConfig, model_type: str) -> ParameterCounts:
    h, layers, nh, hd = c.hidden, c.layers, c.heads, c.head_dim
    new_arch = c.flag("new_decoder_architecture", False)
    if new_arch:
        kv = c.num("num_kv_heads", "num_key_value_heads", default=nh)
    elif c.flag("multi_query", True):
        kv = 1
    else:
        kv = nh
    inner = c.num("ffn_hidden_size", default=4 * h)
    biased = c.flag("bias", False)
    qkv = h * (nh + 2 * kv) * hd + ((nh + 2 * kv) * hd if biased else 0)
    dense = h * h + (h if biased else 0)
    mlp = 2 * h * inner + (inner + h if biased else 0)
    if new_arch:
        layer_norms = c.num("num_ln_in_parallel_attn", default=2)
    else:
        layer_norms = 1 if c.flag("parallel_attn", True) else 2
    layer = qkv + dense + mlp + layer_norms * 2 * h
    head, tied = lm_head_params(c, True)
    total = c.vocab * h + head + layers * layer + 2 * h
    return counts_of(total, total, c.vocab * h, model_type, tied)


def _bloom(c: ModelConfig, model_type: str) -> ParameterCounts:
    h = c.hidden
    head, tied = lm_head_params(c, True)
    total = c.vocab * h + 2 * h + c.layers * (12 * h * h + 13 * h) + 2 * h + head
    return counts_of(total, total, c.vocab * h, model_type, tied)


def _opt(c: ModelConfig, model_type: str) -> ParameterCounts:
    h, ffn = c.hidden, c.mlp()
    proj = c.num("word_embed_proj_dim", default=h)
    positions = c.num("max_position_embeddings")
    layer = 4 * (h * h + h) + 2 * h + (h * ffn + ffn) + (ffn * h + h) + 2 * h
    final_norm = 2 * h if c.flag("do_layer_norm_before", True) else 0
    projections = 2 * proj * h if proj != h else 0
    head, tied = lm_head_params(c, True)
    head = 0 if tied else c.vocab * proj
    total = c.vocab * proj + (positions + 2) * h + c.layers * layer + final_norm + projections + head
    return counts_of(total, total, c.vocab * proj, model_type, tied)


def _t5(c: ModelConfig, model_type: str) -> ParameterCounts:
    d, heads = c.hidden, c.heads
    inner = heads * c.num("d_kv", default=d // heads if heads else 0)
    d_ff = c.mlp()
    encoder_layers = c.layers
    decoder_layers = c.num("num_decoder_layers", default=encoder_layers)
    gated = str(c.raw("feed_forward_proj") or "relu").startswith("gated")
    ff = (3 if gated else 2) * d * d_ff
    encoder = encoder_layers * (4 * d * inner + d + ff + d)
    decoder = decoder_layers * (2 * 4 * d * inner + 3 * d + ff)
    buckets = c.num("relative_attention_num_buckets", default=32)
    head, tied = lm_head_params(c, True)
    total = c.vocab * d + head + encoder + decoder + 2 * buckets * heads + 2 * d
    return counts_of(
        total,
        total,
        c.vocab * d,
        model_type,
        tied,
        notes=("encoder-decoder: each token passes only one stack, so 6·N·D overcounts about 2×",),
    )


def _bert(c: ModelConfig, model_type: str) -> ParameterCounts:
    h, inner, vocab = c.hidden, c.mlp(), c.vocab
    positions = c.num("max_position_embeddings")
    types = c.num("type_vocab_size", default=2)
    embeddings = vocab * h + positions * h + types * h + 2 * h
    layer = 4 * (h * h + h) + 2 * h + (h * inner + inner) + (inner * h + h) + 2 * h
    pooler = h * h + h
    total = embeddings + c.layers * layer + pooler
    return counts_of(
        total,
        total,
        vocab * h,
        model_type,
        False,
        extras=((EXTRA_MLM_HEAD, h * h + 3 * h + vocab),),
        notes=("includes the pooler (h²+h); encoder-only checkpoints may omit it",),
    )


# The dense formulas by `model_type`.
DENSE_FORMULAS: dict[str, Callable[[ModelConfig, str], ParameterCounts]] = {
    "llama": _dense_decoder(_Dense(bias_key="attention_bias")),
    "mistral": _dense_decoder(_Dense(bias_key="attention_bias")),
    "qwen2": _dense_decoder(_Dense(qkv_bias=True)),
    "qwen3": _dense_decoder(_Dense(qk_norm="per-head", bias_key="attention_bias")),
    "gemma": _dense_decoder(_Dense(tied_default=True)),
    "gemma2": _dense_decoder(_Dense(tied_default=True, norms=4)),
    "gemma3_text": _dense_decoder(_Dense(tied_default=True, norms=4, qk_norm="per-head")),
    "phi3": _dense_decoder(_Dense()),
    "olmo": _dense_decoder(_Dense(norms=0, final_norm=False)),
    "olmo2": _dense_decoder(_Dense(qk_norm="full")),
    "stablelm": _stablelm,
    "starcoder2": _starcoder2,
    "phi": _phi,
    "gpt2": _gpt2_like,
    "gpt_bigcode": _gpt2_like,
    "gpt_neox": _gpt_neox,
    "gptj": _gptj,
    "falcon": _falcon,
    "bloom": _bloom,
    "opt": _opt,
    "t5": _t5,
    "bert": _bert,
}
