"""A config.json read as the dimensions the parameter formulas need (param_formulas.md §0), trying the alias
names older configs use, and refusing missing, non-integer or implausibly large values with a one-line
reason."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cardlint.extract.arch_counts import ArchitectureError

# No size, count or vocabulary of a real model comes near 2**40; a bigger value is a broken or hostile config,
# refused before it turns the parameter count into a number no float can hold.
_LARGEST_DIMENSION = 2**40


class ModelConfig:
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
