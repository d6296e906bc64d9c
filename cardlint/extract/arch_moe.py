"""Parameter formulas of the mixture-of-experts families (Mixtral, Qwen-MoE, OLMoE, DeepSeek): total
parameters count every expert, active ones the experts a token is routed to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cardlint.extract.arch_config import ModelConfig
from cardlint.extract.arch_counts import EXTRA_MTP, ParameterCounts, counts_of
from cardlint.extract.arch_dense import attention_params, lm_head_params, qk_norm_params


def _mla(c: ModelConfig) -> int:
    """DeepSeek multi-head latent attention."""
    h, nh = c.hidden, c.heads
    nope, rope = c.num("qk_nope_head_dim"), c.num("qk_rope_head_dim")
    v_dim, kv_rank = c.num("v_head_dim"), c.num("kv_lora_rank")
    q_rank = c.num("q_lora_rank", default=0)
    q = q_rank * (h + 1 + nh * (nope + rope)) if q_rank else h * nh * (nope + rope)
    kv = h * (kv_rank + rope) + kv_rank + kv_rank * nh * (nope + v_dim)
    return q + kv + nh * v_dim * h


def _deepseek(c: ModelConfig, model_type: str) -> ParameterCounts:
    h, layers = c.hidden, c.layers
    attn = attention_params(c) if model_type == "deepseek" else _mla(c)
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
    head, tied = lm_head_params(c, False)
    total, active = total + head, active + head
    extras: tuple[tuple[str, int], ...] = ()
    mtp_layers = c.num("num_nextn_predict_layers", default=0)
    if mtp_layers:
        # each MTP module: one MoE block, eh_proj (2h→h), three norms, and its own embedding and head copies
        extras = ((EXTRA_MTP, mtp_layers * (moe_total + 2 * h * h + 3 * h + 2 * c.vocab * h)),)
    return counts_of(total, active, c.vocab * h, model_type, tied, extras=extras)


@dataclass(frozen=True)
class _Moe:
    """Llama-style MoE decoders (Mixtral, Qwen-MoE, OLMoE)."""

    experts_key: str
    expert_width_key: str
    qkv_bias: bool = False
    qk_norm: str = ""
    shared_expert: bool = False
    sparse_step: bool = False  # Qwen rule: mlp_only_layers and decoder_sparse_step


def _moe_decoder(spec: _Moe) -> Callable[[ModelConfig, str], ParameterCounts]:
    def count(c: ModelConfig, model_type: str) -> ParameterCounts:
        h, layers = c.hidden, c.layers
        experts, top_k = c.num(spec.experts_key), c.num("num_experts_per_tok", "moe_top_k", "top_k")
        expert = 3 * h * c.num(spec.expert_width_key)
        attn = attention_params(
            c,
            qkv_bias=spec.qkv_bias or c.flag("attention_bias", False),
            o_bias=c.flag("attention_bias", False) and not spec.qkv_bias,
            qk_norm=qk_norm_params(c, spec.qk_norm),
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
        head, tied = lm_head_params(c, False)
        return counts_of(total + head, active + head, c.vocab * h, model_type, tied)

    return count


# The mixture-of-experts formulas by `model_type`.
MOE_FORMULAS: dict[str, Callable[[ModelConfig, str], ParameterCounts]] = {
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
