"""Parameter counts from a Hugging Face `config.json`, without loading any weights.

A config fixes the shape of every weight matrix, so the total (and, for mixture-of-experts models, the active
per-token) parameter count follows exactly from it. The formulas per `model_type` are those of
`reference/param_formulas.md`; every family with a published exact count is reproduced to the parameter in
tests/test_architecture.py. What a checkpoint may hold beyond the model's own parameters (a tied head saved
twice, buffers, an MTP head, a vision tower) is reported in `extras` so a rule can explain a gap instead of
flagging it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any


class ArchitectureError(ValueError):
    """The config cannot be counted: unknown model_type or a missing/invalid dimension (one line)."""


@dataclass(frozen=True)
class ParameterCounts:
    """Parameters of the language model a config describes.

    `active` equals `total` for dense models. `embedding` is the input token embedding (V·h): the block a tied
    head duplicates when saved twice, and the part that costs no matmul FLOP. `extras` lists (label, count)
    pairs a checkpoint may hold in addition; `exact` is False when a generic formula was used.
    """

    total: int
    active: int
    embedding: int
    model_type: str
    notes: tuple[str, ...] = ()
    tied_embeddings: bool = False
    extras: tuple[tuple[str, int], ...] = ()
    exact: bool = True

    @property
    def is_moe(self) -> bool:
        return self.active != self.total


# Labels of `extras`, shared with the consistency rule that explains gaps with them.
EXTRA_TIED_HEAD = "tied lm_head saved a second time"
EXTRA_BUFFERS = "non-parameter buffers saved as tensors (attention masks, rotary inv_freq)"
EXTRA_MTP = "multi-token-prediction (MTP) module"
EXTRA_VISION = "vision tower and projector (approximate)"
EXTRA_MLM_HEAD = "masked-LM head"


# No size, count or vocabulary of a real model comes near 2**40; a bigger value is a broken or hostile config,
# refused before it turns the parameter count into a number no float can hold.
_LARGEST_DIMENSION = 2**40


class _Config:
    """Typed access to config keys, trying the alias names of older configs in order."""

    def __init__(self, data: Mapping[str, Any], parent: Mapping[str, Any] | None = None) -> None:
        self.data = data
        self.parent = parent or {}

    def raw(self, *names: str) -> Any:
        for name in names:
            if name in self.data and self.data[name] is not None:
                return self.data[name]
        return None

    def num(self, *names: str, default: int | None = None) -> int:
        value = self.raw(*names)
        if value is None:
            if default is None:
                raise ArchitectureError(f"config.json has no {names[0]}")
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ArchitectureError(f"config.json {names[0]} is not a number: {value!r}")
        if isinstance(value, float) and not value.is_integer():
            raise ArchitectureError(f"config.json {names[0]} is not a whole number: {value!r}")
        number = int(value)
        if number < 0:
            raise ArchitectureError(f"config.json {names[0]} is negative: {number}")
        if number > _LARGEST_DIMENSION:
            raise ArchitectureError(
                f"config.json {names[0]} is implausibly large ({len(str(number))} digits)"
            )
        return number

    def flag(self, name: str, default: bool) -> bool:
        value = self.data.get(name)
        if value is None:
            value = self.parent.get(name)
        return default if value is None else bool(value)

    def num_list(self, name: str) -> list[int]:
        value = self.data.get(name) or []
        if not isinstance(value, list):
            raise ArchitectureError(f"config.json {name} is not a list")
        numbers = [int(item) for item in value if isinstance(item, int) and not isinstance(item, bool)]
        if any(not 0 <= number <= _LARGEST_DIMENSION for number in numbers):
            raise ArchitectureError(f"config.json {name} holds a negative or implausibly large number")
        return numbers

    # The quantities of param_formulas.md §0.
    @property
    def hidden(self) -> int:
        return self.num("hidden_size", "n_embd", "d_model", "n_embed")

    @property
    def layers(self) -> int:
        return self.num("num_hidden_layers", "n_layer", "num_layers")

    @property
    def heads(self) -> int:
        return self.num("num_attention_heads", "n_head", "num_heads")

    @property
    def kv_heads(self) -> int:
        return self.num(
            "num_key_value_heads", "num_kv_heads", "n_head_kv", "multi_query_group_num", default=self.heads
        )

    @property
    def head_dim(self) -> int:
        heads = self.heads
        if heads == 0:
            raise ArchitectureError("config.json num_attention_heads is 0")
        return self.num("head_dim", "d_kv", default=self.hidden // heads)

    @property
    def vocab(self) -> int:
        return self.num("vocab_size", "padded_vocab_size")

    def mlp(self, default: int | None = None) -> int:
        return self.num("intermediate_size", "n_inner", "ffn_dim", "d_ff", "ffn_hidden_size", default=default)


def _attention(c: _Config, *, qkv_bias: bool = False, o_bias: bool = False, qk_norm: int = 0) -> int:
    """Grouped-query attention: q, k, v, o projections plus optional biases and QK-norm weights."""
    h, nh, nkv, hd = c.hidden, c.heads, c.kv_heads, c.head_dim
    params = h * nh * hd + 2 * h * nkv * hd + nh * hd * h
    if qkv_bias:
        params += nh * hd + 2 * nkv * hd
    if o_bias:
        params += h
    return params + qk_norm


def _head(c: _Config, tied_default: bool) -> tuple[int, bool]:
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


def _qk_norm(c: _Config, kind: str) -> int:
    if kind == "per-head":
        return 2 * c.head_dim
    if kind == "full":
        return (c.heads + c.kv_heads) * c.head_dim
    return 0


def _dense_decoder(spec: _Dense) -> Callable[[_Config, str], ParameterCounts]:
    def count(c: _Config, model_type: str) -> ParameterCounts:
        h, layers, vocab = c.hidden, c.layers, c.vocab
        biased = bool(spec.bias_key) and c.flag(spec.bias_key or "", False)
        attn = _attention(
            c,
            qkv_bias=spec.qkv_bias or biased,
            o_bias=spec.o_bias or biased,
            qk_norm=_qk_norm(c, spec.qk_norm),
        )
        inner = c.mlp()
        mlp = 3 * h * inner + (2 * inner + h if c.flag("mlp_bias", False) else 0)
        layer = attn + mlp + spec.norms * spec.norm_size * h
        head, tied = _head(c, spec.tied_default)
        total = vocab * h + head + layers * layer + (spec.norm_size * h if spec.final_norm else 0)
        return _result(total, total, vocab * h, model_type, tied, buffers=layers * (c.head_dim // 2))

    return count


def _result(
    total: int,
    active: int,
    embedding: int,
    model_type: str,
    tied: bool,
    *,
    buffers: int = 0,
    extras: tuple[tuple[str, int], ...] = (),
    notes: tuple[str, ...] = (),
) -> ParameterCounts:
    more = list(extras)
    if tied:
        more.append((EXTRA_TIED_HEAD, embedding))
    if buffers:
        more.append((EXTRA_BUFFERS, buffers))
    return ParameterCounts(total, active, embedding, model_type, notes, tied, tuple(more))


def _stablelm(c: _Config, model_type: str) -> ParameterCounts:
    parallel = c.flag("use_parallel_residual", False)
    spec = _Dense(norms=1 if parallel else 2, norm_size=2, qkv_bias=c.flag("use_qkv_bias", False))
    counts = _dense_decoder(spec)(c, model_type)
    if c.flag("qk_layernorm", False):
        per_layer = 2 * (c.heads + c.kv_heads) * c.head_dim  # per-head LayerNorms, weight and bias
        counts = replace(
            counts, total=counts.total + c.layers * per_layer, active=counts.active + c.layers * per_layer
        )
    return counts


def _starcoder2(c: _Config, model_type: str) -> ParameterCounts:
    h, inner, biased = c.hidden, c.mlp(), c.flag("use_bias", True)
    attn = _attention(c, qkv_bias=biased, o_bias=biased)
    mlp = 2 * h * inner + (inner + h if biased else 0)
    layer = attn + mlp + 2 * 2 * h
    head, tied = _head(c, True)
    total = c.vocab * h + head + c.layers * layer + 2 * h
    return _result(total, total, c.vocab * h, model_type, tied)


def _phi(c: _Config, model_type: str) -> ParameterCounts:
    """Phi-1/1.5/2: one LayerNorm per parallel block, biased projections, lm_head with bias."""
    h = c.hidden
    inner = c.mlp(default=4 * h)
    qk_ln = 2 * 2 * c.head_dim if c.flag("qk_layernorm", False) else 0
    layer = 2 * h + _attention(c, qkv_bias=True, o_bias=True) + qk_ln + (h * inner + inner) + (inner * h + h)
    head, tied = _head(c, False)
    total = c.vocab * h + c.layers * layer + 2 * h + (0 if tied else head + c.vocab)
    return _result(total, total, c.vocab * h, model_type, tied)


def _gpt2_like(c: _Config, model_type: str) -> ParameterCounts:
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
    head, tied = _head(c, True)
    total = c.vocab * h + positions * h + layers * layer + 2 * h + head
    mask = layers * positions * positions if model_type == "gpt2" else 0
    return _result(total, total, c.vocab * h, model_type, tied, buffers=mask)


def _gpt_neox(c: _Config, model_type: str) -> ParameterCounts:
    h, layers = c.hidden, c.layers
    inner = c.mlp(default=4 * h)
    biased = c.flag("attention_bias", True)
    attn = (3 * h * h + (3 * h if biased else 0)) + (h * h + (h if biased else 0))
    layer = 2 * 2 * h + attn + (h * inner + inner) + (inner * h + h)
    head, tied = _head(c, False)
    total = c.vocab * h + head + layers * layer + 2 * h
    positions = c.num("max_position_embeddings", default=0)
    rotary = int(c.head_dim * float(c.raw("rotary_pct") or 1.0))
    buffers = layers * (positions * positions + rotary // 2)
    return _result(total, total, c.vocab * h, model_type, tied, buffers=buffers)


def _gptj(c: _Config, model_type: str) -> ParameterCounts:
    h, layers = c.hidden, c.layers
    inner = c.mlp(default=4 * h)
    layer = 2 * h + 4 * h * h + (h * inner + inner) + (inner * h + h)
    head, tied = _head(c, False)
    total = c.vocab * h + layers * layer + 2 * h + (0 if tied else head + c.vocab)
    return _result(
        total,
        total,
        c.vocab * h,
        model_type,
        tied,
        notes=("GPT-J's own README counts 6,053,381,344 for 6B (a Mesh-TF count)",),
    )


def _falcon(c: _Config, model_type: str) -> ParameterCounts:
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
    head, tied = _head(c, True)
    total = c.vocab * h + head + layers * layer + 2 * h
    return _result(total, total, c.vocab * h, model_type, tied)


def _bloom(c: _Config, model_type: str) -> ParameterCounts:
    h = c.hidden
    head, tied = _head(c, True)
    total = c.vocab * h + 2 * h + c.layers * (12 * h * h + 13 * h) + 2 * h + head
    return _result(total, total, c.vocab * h, model_type, tied)


def _opt(c: _Config, model_type: str) -> ParameterCounts:
    h, ffn = c.hidden, c.mlp()
    proj = c.num("word_embed_proj_dim", default=h)
    positions = c.num("max_position_embeddings")
    layer = 4 * (h * h + h) + 2 * h + (h * ffn + ffn) + (ffn * h + h) + 2 * h
    final_norm = 2 * h if c.flag("do_layer_norm_before", True) else 0
    projections = 2 * proj * h if proj != h else 0
    head, tied = _head(c, True)
    head = 0 if tied else c.vocab * proj
    total = c.vocab * proj + (positions + 2) * h + c.layers * layer + final_norm + projections + head
    return _result(total, total, c.vocab * proj, model_type, tied)


def _t5(c: _Config, model_type: str) -> ParameterCounts:
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
    head, tied = _head(c, True)
    total = c.vocab * d + head + encoder + decoder + 2 * buckets * heads + 2 * d
    return _result(
        total,
        total,
        c.vocab * d,
        model_type,
        tied,
        notes=("encoder-decoder: each token passes only one stack, so 6·N·D overcounts about 2×",),
    )


def _bert(c: _Config, model_type: str) -> ParameterCounts:
    h, inner, vocab = c.hidden, c.mlp(), c.vocab
    positions = c.num("max_position_embeddings")
    types = c.num("type_vocab_size", default=2)
    embeddings = vocab * h + positions * h + types * h + 2 * h
    layer = 4 * (h * h + h) + 2 * h + (h * inner + inner) + (inner * h + h) + 2 * h
    pooler = h * h + h
    total = embeddings + c.layers * layer + pooler
    return _result(
        total,
        total,
        vocab * h,
        model_type,
        False,
        extras=((EXTRA_MLM_HEAD, h * h + 3 * h + vocab),),
        notes=("includes the pooler (h²+h); encoder-only checkpoints may omit it",),
    )


# --- mixture of experts -------------------------------------------------------------------------------------


def _mla(c: _Config) -> int:
    """DeepSeek multi-head latent attention."""
    h, nh = c.hidden, c.heads
    nope, rope = c.num("qk_nope_head_dim"), c.num("qk_rope_head_dim")
    v_dim, kv_rank = c.num("v_head_dim"), c.num("kv_lora_rank")
    q_rank = c.num("q_lora_rank", default=0)
    q = q_rank * (h + 1 + nh * (nope + rope)) if q_rank else h * nh * (nope + rope)
    kv = h * (kv_rank + rope) + kv_rank + kv_rank * nh * (nope + v_dim)
    return q + kv + nh * v_dim * h


def _deepseek(c: _Config, model_type: str) -> ParameterCounts:
    h, layers = c.hidden, c.layers
    attn = _attention(c) if model_type == "deepseek" else _mla(c)
    experts, top_k = c.num("n_routed_experts", default=0), c.num("num_experts_per_tok", default=0)
    expert = 3 * h * c.num("moe_intermediate_size", default=0)
    shared = c.num("n_shared_experts", default=0) * expert
    score_bias = model_type == "deepseek_v3" or c.raw("topk_method") == "noaux_tc"
    router = h * experts + (experts if score_bias else 0)
    first_dense, freq = c.num("first_k_dense_replace", default=0), max(1, c.num("moe_layer_freq", default=1))
    dense_layer = attn + 2 * h + 3 * h * c.mlp()
    moe_base = attn + 2 * h + router + shared
    moe_total, moe_active = moe_base + experts * expert, moe_base + top_k * expert
    total = active = c.vocab * h + h
    for index in range(layers):
        if experts and index >= first_dense and index % freq == 0:
            total, active = total + moe_total, active + moe_active
        else:
            total, active = total + dense_layer, active + dense_layer
    head, tied = _head(c, False)
    total, active = total + head, active + head
    extras: tuple[tuple[str, int], ...] = ()
    mtp_layers = c.num("num_nextn_predict_layers", default=0)
    if mtp_layers:
        # each MTP module: one MoE block, eh_proj (2h→h), three norms, and its own embedding and head copies
        extras = ((EXTRA_MTP, mtp_layers * (moe_total + 2 * h * h + 3 * h + 2 * c.vocab * h)),)
    return _result(total, active, c.vocab * h, model_type, tied, extras=extras)


@dataclass(frozen=True)
class _Moe:
    """Llama-style MoE decoders (Mixtral, Qwen-MoE, OLMoE)."""

    experts_key: str
    expert_width_key: str
    qkv_bias: bool = False
    qk_norm: str = ""
    shared_expert: bool = False
    sparse_step: bool = False  # Qwen rule: mlp_only_layers and decoder_sparse_step


def _moe_decoder(spec: _Moe) -> Callable[[_Config, str], ParameterCounts]:
    def count(c: _Config, model_type: str) -> ParameterCounts:
        h, layers = c.hidden, c.layers
        experts, top_k = c.num(spec.experts_key), c.num("num_experts_per_tok", "moe_top_k", "top_k")
        expert = 3 * h * c.num(spec.expert_width_key)
        attn = _attention(
            c,
            qkv_bias=spec.qkv_bias or c.flag("attention_bias", False),
            o_bias=c.flag("attention_bias", False) and not spec.qkv_bias,
            qk_norm=_qk_norm(c, spec.qk_norm),
        )
        shared = 0
        if spec.shared_expert:
            width = c.num("shared_expert_intermediate_size", default=0)
            shared = 3 * h * width + (h if width else 0)  # shared expert plus its sigmoid gate
        base = attn + 2 * h + h * experts + shared
        moe_total, moe_active = base + experts * expert, base + top_k * expert
        dense = attn + 2 * h + (3 * h * c.mlp(default=0))
        only_dense = set(c.num_list("mlp_only_layers"))
        step = max(1, c.num("decoder_sparse_step", default=1))
        total = active = c.vocab * h + h
        for index in range(layers):
            sparse = not spec.sparse_step or (index not in only_dense and (index + 1) % step == 0)
            if sparse and experts:
                total, active = total + moe_total, active + moe_active
            else:
                total, active = total + dense, active + dense
        head, tied = _head(c, False)
        return _result(total + head, active + head, c.vocab * h, model_type, tied)

    return count


_FORMULAS: dict[str, Callable[[_Config, str], ParameterCounts]] = {
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
    "mixtral": _moe_decoder(_Moe("num_local_experts", "intermediate_size")),
    "qwen2_moe": _moe_decoder(
        _Moe("num_experts", "moe_intermediate_size", qkv_bias=True, shared_expert=True, sparse_step=True)
    ),
    "qwen3_moe": _moe_decoder(
        _Moe("num_experts", "moe_intermediate_size", qk_norm="per-head", sparse_step=True)
    ),
    "olmoe": _moe_decoder(_Moe("num_experts", "intermediate_size", qk_norm="full")),
    "deepseek": _deepseek,
    "deepseek_v2": _deepseek,
    "deepseek_v3": _deepseek,
}

# Other names the same architectures go by in configs written by older code or wrappers.
_ALIASES = {
    "phi-msft": "phi",
    "RefinedWeb": "falcon",
    "RefinedWebModel": "falcon",
    "codellama": "llama",
    "mt5": "t5",
    "gemma3": "gemma3_text",
    "mistral3": "mistral",
    "ministral3": "mistral",
    "ministral": "mistral",
    "llava": "llama",
    "llava_next": "llama",
    "qwen2_vl": "qwen2",
    "qwen2_5_vl": "qwen2",
    "qwen2_vl_text": "qwen2",
    "qwen2_5_vl_text": "qwen2",
}


def supported_model_types() -> frozenset[str]:
    """Model types with an exact formula (aliases included)."""
    return frozenset(_FORMULAS) | frozenset(_ALIASES)


def _vision_tower(vision: Mapping[str, Any], text_hidden: int) -> int:
    """A ViT encoder (SigLIP/CLIP shape) plus a one-matrix projector: an estimate, only to explain gaps."""
    v = _Config(vision)
    h, inner, layers = v.hidden, v.mlp(), v.layers
    patch = v.num("patch_size", default=14)
    channels = v.num("num_channels", default=3)
    image = v.num("image_size", default=0)
    positions = (image // patch) ** 2 if image and patch else 0
    layer = 4 * (h * h + h) + 2 * 2 * h + (h * inner + inner) + (inner * h + h)
    return channels * patch * patch * h + h + positions * h + layers * layer + 2 * h + h * text_hidden


def count_parameters(config: Mapping[str, Any]) -> ParameterCounts:
    """Total, active and embedding parameter counts of the language model that `config` describes.

    Multimodal wrappers are counted by their `text_config` (the part that matters for text pretraining
    compute); the vision tower appears in `extras` as an approximate figure. Raises ArchitectureError with a
    one-line reason when the config cannot be counted.
    """
    if not isinstance(config, Mapping):
        raise ArchitectureError("config.json is not a JSON object")
    outer_type = str(config.get("model_type") or "")
    text = config.get("text_config")
    if isinstance(text, Mapping) and ("hidden_size" in text or "num_hidden_layers" in text):
        model_type = str(text.get("model_type") or outer_type)
        source = _Config(text, parent=config)
    else:
        model_type, source = outer_type, _Config(config)
    if not model_type:
        raise ArchitectureError("config.json has no model_type")
    family = _ALIASES.get(model_type, model_type)
    formula = _FORMULAS.get(family)
    if formula is None:
        raise ArchitectureError(f"no parameter formula for model_type {model_type!r}")
    try:
        counts = formula(source, family)
    except (TypeError, ValueError, ArithmeticError) as exc:
        if isinstance(exc, ArchitectureError):
            raise
        raise ArchitectureError(f"config.json for {model_type!r} has an unusable value: {exc}") from None
    if model_type != family:
        counts = replace(counts, model_type=model_type)
    vision = config.get("vision_config")
    if isinstance(vision, Mapping):
        try:
            counts = replace(
                counts, extras=(*counts.extras, (EXTRA_VISION, _vision_tower(vision, source.hidden)))
            )
        except (ArchitectureError, TypeError, ValueError):
            counts = replace(
                counts, notes=(*counts.notes, "checkpoint also holds a vision tower (size unknown)")
            )
    return counts
