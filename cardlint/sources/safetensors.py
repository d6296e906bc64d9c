"""The exact number of stored parameters of a checkpoint, from safetensors headers alone.

A `.safetensors` file starts with an 8-byte little-endian header length and a JSON header that lists every
tensor's dtype and shape; the tensors follow. Reading only that header gives the count the Hub displays
without touching gigabytes of weights. The length field is checked against a limit *before* anything is
allocated, because a hostile or corrupt file can claim any size. Tensor names are sorted into a small
breakdown (duplicated head, buffers, vision tower, quantized packing) so a gap to the config count can be
explained rather than flagged blindly.
"""

from __future__ import annotations

import json
import math
import re
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardlint.core.limits import DEFAULT_LIMITS, Limits
from cardlint.core.regex_store import compile_pattern

INDEX_NAME = "model.safetensors.index.json"
SINGLE_NAME = "model.safetensors"
_SHARD = compile_pattern(r"^model-(\d+)-of-(\d+)\.safetensors$")
_LFS_POINTER = b"version https://git-lfs"
# Far above any real checkpoint (DeepSeek-V3 has 163 shards); bounds the file checks a hostile index causes.
MAX_SHARDS = 10_000

# Bytes per element of each safetensors dtype (sub-byte types are packed, so they round up per tensor).
_DTYPE_BITS = {
    "BOOL": 8,
    "U8": 8,
    "I8": 8,
    "F8_E5M2": 8,
    "F8_E4M3": 8,
    "F8_E8M0": 8,
    "I16": 16,
    "U16": 16,
    "F16": 16,
    "BF16": 16,
    "I32": 32,
    "U32": 32,
    "F32": 32,
    "I64": 64,
    "U64": 64,
    "F64": 64,
    "F4": 4,
    "F6_E2M3": 6,
    "F6_E3M2": 6,
}

# Breakdown categories by tensor name (checked in order; the first match wins).
_CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "quantized",
        compile_pattern(
            r"\.(qweight|qzeros|scales|g_idx|absmax|quant_map|quant_state\.\w+|nested_absmax"
            r"|nested_quant_map|weight_scale|weight_scale_inv|input_scale|SCB)$"
        ),
    ),
    (
        "buffers",
        compile_pattern(
            r"(\.attn\.bias|\.attn\.masked_bias|attention\.bias|attention\.masked_bias|\.inv_freq|position_ids)$"
        ),
    ),
    ("lm_head", compile_pattern(r"(^|\.)lm_head\.weight$")),
    (
        "vision",
        compile_pattern(
            r"(vision_tower|vision_model|visual\.|vision_encoder|multi_modal_projector|mm_projector"
            r"|image_newline|vision_embed|patch_embed)"
        ),
    ),
    ("audio", compile_pattern(r"(audio_tower|audio_model|audio_encoder)")),
)


class SafetensorsError(Exception):
    """A safetensors file or index that cannot be read; the message is one line naming the file."""


@dataclass(frozen=True)
class SafetensorsCount:
    """Stored elements over all tensors (what the Hub shows as the parameter count) and where they sit."""

    parameters: int
    tensors: int
    files: tuple[str, ...]
    breakdown: dict[str, int] = field(default_factory=dict)  # category -> elements (see _CATEGORIES)
    dtypes: dict[str, int] = field(default_factory=dict)  # dtype -> elements

    @property
    def quantized(self) -> bool:
        """Packed low-bit weights: the stored element count is not the model's parameter count."""
        return self.breakdown.get("quantized", 0) > 0


def merge_counts(counts: Iterable[SafetensorsCount]) -> SafetensorsCount:
    """One count for a sharded checkpoint."""
    parameters = tensors = 0
    files: list[str] = []
    breakdown: dict[str, int] = {}
    dtypes: dict[str, int] = {}
    for count in counts:
        parameters += count.parameters
        tensors += count.tensors
        files.extend(count.files)
        for key, value in count.breakdown.items():
            breakdown[key] = breakdown.get(key, 0) + value
        for key, value in count.dtypes.items():
            dtypes[key] = dtypes.get(key, 0) + value
    return SafetensorsCount(parameters, tensors, tuple(files), breakdown, dtypes)


def header_length(prefix: bytes, max_header_bytes: int) -> int:
    """The header size from the first 8 bytes, refused when it exceeds `max_header_bytes`."""
    if len(prefix) >= 8 and prefix[:8] == _LFS_POINTER[:8]:
        raise SafetensorsError("is a Git LFS pointer, not the weights (run `git lfs pull`)")
    if len(prefix) < 8:
        raise SafetensorsError(f"is too short for a safetensors header ({len(prefix)} bytes)")
    (length,) = struct.unpack("<Q", prefix[:8])
    if length < 2:
        raise SafetensorsError(f"declares an impossible header length of {length} bytes")
    if length > max_header_bytes:
        raise SafetensorsError(
            f"declares a {length:,}-byte header, over the limit of {max_header_bytes:,} "
            "(limits.max_safetensors_header_bytes)"
        )
    return length


# JSON values one tensor entry takes: the entry, its dtype, shape and offsets, their numbers (a 4-D tensor
# needs 10); the rest is room for higher ranks and the metadata block.
_VALUES_PER_TENSOR = 16
# No tensor of a real checkpoint holds 2**64 elements; a shape that does is refused before it overflows
# a float.
_MOST_ELEMENTS = 2**64


def parse_header_bytes(
    data: bytes, max_tensors: int = DEFAULT_LIMITS.max_safetensors_tensors
) -> dict[str, Any]:
    """Decode the JSON header; padding spaces after the object are allowed by the format.

    Parsed JSON costs far more memory than its text, so the values are counted first, on the bytes (every
    value after the first in an array or object follows a comma): a header of more values than
    `max_tensors` tensors need is refused before json builds a single object.
    """
    values = data.count(b",") + data.count(b"{") + data.count(b"[")
    if values > max_tensors * _VALUES_PER_TENSOR:
        raise SafetensorsError(
            f"header holds more JSON values than {max_tensors:,} tensors need "
            "(limits.max_safetensors_tensors)"
        )
    try:
        header = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SafetensorsError(f"header is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise SafetensorsError(f"header is not valid JSON ({exc.msg} at byte {exc.pos})") from None
    except RecursionError:
        raise SafetensorsError("header JSON is nested too deeply") from None
    except ValueError:  # int() refuses a number of over 4,300 digits
        raise SafetensorsError("header holds a number too long to read (over 4,300 digits)") from None
    if not isinstance(header, dict):
        raise SafetensorsError("header is not a JSON object")
    if len(header) - ("__metadata__" in header) > max_tensors:
        raise SafetensorsError(
            f"header lists {len(header):,} tensors, over the limit of {max_tensors:,} "
            "(limits.max_safetensors_tensors)"
        )
    return header


def _category(name: str) -> str | None:
    for label, pattern in _CATEGORIES:
        if pattern.search(name):
            return label
    return None


def count_header(
    header: Mapping[str, Any], *, data_size: int | None = None, name: str = ""
) -> SafetensorsCount:
    """Count the elements a parsed header declares (reusable by the Hub source on a header it fetched).

    With `data_size` (bytes after the header) each tensor's byte range is checked against it and against its
    dtype and shape, so a header cannot claim tensors the file does not hold.
    """
    parameters = tensors = 0
    breakdown: dict[str, int] = {}
    dtypes: dict[str, int] = {}
    for tensor, info in header.items():
        if tensor == "__metadata__":
            continue
        if not isinstance(info, Mapping):
            raise SafetensorsError(f"tensor {tensor!r} has no dtype/shape entry")
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if not isinstance(dtype, str) or not isinstance(shape, list):
            raise SafetensorsError(f"tensor {tensor!r} lacks a dtype or shape")
        if not all(isinstance(dim, int) and not isinstance(dim, bool) and dim >= 0 for dim in shape):
            raise SafetensorsError(f"tensor {tensor!r} has an invalid shape {shape!r}")
        elements = math.prod(shape)
        if elements > _MOST_ELEMENTS:
            raise SafetensorsError(f"tensor {tensor!r} has an impossible shape ({len(shape)} dimensions)")
        if data_size is not None:
            _check_offsets(tensor, dtype, elements, offsets, data_size)
        parameters += elements
        tensors += 1
        dtypes[dtype] = dtypes.get(dtype, 0) + elements
        category = _category(tensor)
        if category:
            breakdown[category] = breakdown.get(category, 0) + elements
    if dtypes.keys() & {"I32", "U8", "I8"} and breakdown.get("quantized", 0) == 0:
        packed = sum(n for d, n in dtypes.items() if d in ("I32", "U8", "I8"))
        if packed > parameters // 2:  # integer weights dominate: a packed/quantized export
            breakdown["quantized"] = packed
    return SafetensorsCount(parameters, tensors, (name,) if name else (), breakdown, dtypes)


def _check_offsets(tensor: str, dtype: str, elements: int, offsets: Any, data_size: int) -> None:
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in offsets)
    ):
        raise SafetensorsError(f"tensor {tensor!r} has invalid data_offsets")
    start, end = offsets
    if not 0 <= start <= end <= data_size:
        raise SafetensorsError(
            f"tensor {tensor!r} points outside the file ({start}..{end} of {data_size} bytes)"
        )
    bits = _DTYPE_BITS.get(dtype)
    if bits is not None and end - start != (elements * bits + 7) // 8:
        raise SafetensorsError(
            f"tensor {tensor!r}: {end - start} bytes do not hold {elements} {dtype} values"
        )


def read_header(path: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[dict[str, Any], int]:
    """The parsed header of `path` and the size of the data section after it; reads only the header."""
    try:
        if not path.is_file():
            raise SafetensorsError("is not a regular file")
        size = path.stat().st_size
        with path.open("rb") as handle:
            length = header_length(handle.read(8), limits.max_safetensors_header_bytes)
            if 8 + length > size:
                raise SafetensorsError(f"is truncated: header of {length:,} bytes in a {size:,}-byte file")
            data = handle.read(length)
    except OSError as exc:
        raise SafetensorsError(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) != length:
        raise SafetensorsError("is truncated inside its header")
    return parse_header_bytes(data, limits.max_safetensors_tensors), size - 8 - length


def count_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> SafetensorsCount:
    """Stored elements of one safetensors file. Raises SafetensorsError naming the file."""
    try:
        header, data_size = read_header(path, limits)
        return count_header(header, data_size=data_size, name=path.name)
    except SafetensorsError as exc:
        raise SafetensorsError(f"{path.name} {exc}") from None


def shard_names(index: Mapping[str, Any]) -> list[str]:
    """The shard files an index refers to, refusing names that would leave the folder."""
    weight_map = index.get("weight_map")
    if not isinstance(weight_map, Mapping) or not weight_map:
        raise SafetensorsError(f"{INDEX_NAME} has no weight_map")
    names = sorted({str(value) for value in weight_map.values()})
    if len(names) > MAX_SHARDS:
        raise SafetensorsError(f"{INDEX_NAME} names {len(names):,} shards, more than {MAX_SHARDS:,}")
    for name in names:
        if (
            not name
            or "/" in name
            or "\\" in name
            or name in (".", "..")
            or not name.endswith(".safetensors")
        ):
            raise SafetensorsError(f"{INDEX_NAME} names an unusable shard {name!r}")
    return names


def count_index(index_path: Path, limits: Limits = DEFAULT_LIMITS) -> SafetensorsCount:
    """Stored elements of a sharded checkpoint: the index plus every shard's header. All shards must exist."""
    try:
        if not index_path.is_file():
            raise SafetensorsError(f"{INDEX_NAME} is not a regular file")
        with index_path.open("rb") as handle:
            raw = handle.read(limits.max_safetensors_header_bytes + 1)
    except OSError as exc:
        raise SafetensorsError(f"{INDEX_NAME} cannot be read ({exc.strerror or exc})") from None
    if len(raw) > limits.max_safetensors_header_bytes:
        raise SafetensorsError(
            f"{INDEX_NAME} is over the limit of {limits.max_safetensors_header_bytes:,} bytes"
        )
    try:
        index = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:  # ValueError: also int() refusing 4,300+ digits
        raise SafetensorsError(f"{INDEX_NAME} is not valid JSON ({_one_line(exc)})") from None
    if not isinstance(index, dict):
        raise SafetensorsError(f"{INDEX_NAME} is not a JSON object")
    names = shard_names(index)
    missing = [name for name in names if not (index_path.parent / name).is_file()]
    if missing:
        raise SafetensorsError(
            f"{INDEX_NAME} lists {len(names)} shards but {len(missing)} are missing (first: {missing[0]})"
        )
    return merge_counts(count_file(index_path.parent / name, limits) for name in names)


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def checkpoint_files(folder: Path) -> tuple[str, list[Path]] | None:
    """Which files make up the folder's main checkpoint: (kind, paths) with kind index/shards/file, or None.

    Order: the sharded index, `model.safetensors`, a complete set of `model-NNNNN-of-NNNNN` shards, then
    `consolidated.safetensors`. Adapter files (LoRA) and other variants are not the model and are ignored.
    """
    if (folder / INDEX_NAME).exists():
        return "index", [folder / INDEX_NAME]
    if (folder / SINGLE_NAME).exists():
        return "file", [folder / SINGLE_NAME]
    try:
        shards = sorted(p for p in folder.iterdir() if _SHARD.match(p.name))
    except OSError:
        shards = []
    if shards:
        return "shards", shards
    if (folder / "consolidated.safetensors").exists():
        return "file", [folder / "consolidated.safetensors"]
    return None


def count_checkpoint(folder: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[SafetensorsCount, Path] | None:
    """Count the folder's main checkpoint; None when it has none. Raises SafetensorsError."""
    found = checkpoint_files(folder)
    if found is None:
        return None
    kind, paths = found
    if kind == "index":
        return count_index(paths[0], limits), paths[0]
    if kind == "shards":
        declared = {int(match.group(2)) for path in paths if (match := _SHARD.match(path.name))}
        expected = max(declared)
        if len(declared) != 1 or len(paths) != expected:
            raise SafetensorsError(
                f"found {len(paths)} of {expected} model-*-of-* shards and no {INDEX_NAME}"
            )
    return merge_counts(count_file(path, limits) for path in paths), paths[0]
