"""Stored parameter counts from safetensors headers, on small real files written with the stdlib."""

from __future__ import annotations

import json
import struct
import tracemalloc
from pathlib import Path

import pytest

from cardlint.core.limits import Limits
from cardlint.sources.safetensors import (
    INDEX_NAME,
    SafetensorsError,
    count_checkpoint,
    count_file,
    count_header,
    count_index,
    header_length,
    parse_header_bytes,
)
from cardlint.sources.sidecar_files import read_sidecars

_BYTES = {"F32": 4, "BF16": 2, "F16": 2, "I32": 4, "U8": 1, "I64": 8}


def write_safetensors(path: Path, tensors: dict[str, tuple[str, list[int]]], *, pad: int = 0) -> dict:
    """A valid safetensors file: 8-byte length, JSON header, then zero bytes for every tensor."""
    header: dict = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        size = _BYTES[dtype]
        for dim in shape:
            size *= dim
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    blob = json.dumps(header).encode() + b" " * pad
    path.write_bytes(struct.pack("<Q", len(blob)) + blob + bytes(offset))
    return header


LLAMA_LIKE = {
    "model.embed_tokens.weight": ("BF16", [64, 8]),
    "model.layers.0.self_attn.q_proj.weight": ("BF16", [8, 8]),
    "model.layers.0.mlp.up_proj.weight": ("BF16", [16, 8]),
    "model.norm.weight": ("BF16", [8]),
    "lm_head.weight": ("BF16", [64, 8]),
}
LLAMA_LIKE_COUNT = 64 * 8 + 64 + 128 + 8 + 64 * 8


def test_single_file_count(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    write_safetensors(path, LLAMA_LIKE, pad=5)
    count = count_file(path)
    assert count.parameters == LLAMA_LIKE_COUNT
    assert count.tensors == 5
    assert count.breakdown == {"lm_head": 512}
    assert count.dtypes == {"BF16": LLAMA_LIKE_COUNT}
    assert not count.quantized


def test_count_header_reuses_an_already_parsed_header(tmp_path: Path) -> None:
    header = write_safetensors(tmp_path / "m.safetensors", LLAMA_LIKE)
    assert count_header(header).parameters == LLAMA_LIKE_COUNT


def test_sharded_index(tmp_path: Path) -> None:
    names = list(LLAMA_LIKE)
    first = {name: LLAMA_LIKE[name] for name in names[:2]}
    second = {name: LLAMA_LIKE[name] for name in names[2:]}
    write_safetensors(tmp_path / "model-00001-of-00002.safetensors", first)
    write_safetensors(tmp_path / "model-00002-of-00002.safetensors", second)
    weight_map = {name: "model-00001-of-00002.safetensors" for name in first}
    weight_map.update({name: "model-00002-of-00002.safetensors" for name in second})
    (tmp_path / INDEX_NAME).write_text(json.dumps({"metadata": {"total_size": 1}, "weight_map": weight_map}))
    count = count_index(tmp_path / INDEX_NAME)
    assert count.parameters == LLAMA_LIKE_COUNT
    assert count.files == ("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")
    found = count_checkpoint(tmp_path)
    assert found is not None and found[0].parameters == LLAMA_LIKE_COUNT and found[1].name == INDEX_NAME


def test_shards_without_index_must_be_complete(tmp_path: Path) -> None:
    write_safetensors(tmp_path / "model-00001-of-00002.safetensors", {"a": ("F32", [3])})
    with pytest.raises(SafetensorsError, match="1 of 2"):
        count_checkpoint(tmp_path)
    write_safetensors(tmp_path / "model-00002-of-00002.safetensors", {"b": ("F32", [4])})
    found = count_checkpoint(tmp_path)
    assert found is not None and found[0].parameters == 7


def test_index_with_missing_shard_or_escaping_name(tmp_path: Path) -> None:
    (tmp_path / INDEX_NAME).write_text(json.dumps({"weight_map": {"a": "model-00001-of-00002.safetensors"}}))
    with pytest.raises(SafetensorsError, match="missing"):
        count_index(tmp_path / INDEX_NAME)
    (tmp_path / INDEX_NAME).write_text(json.dumps({"weight_map": {"a": "../elsewhere.safetensors"}}))
    with pytest.raises(SafetensorsError, match="unusable shard"):
        count_index(tmp_path / INDEX_NAME)


def test_adapter_files_are_not_the_model(tmp_path: Path) -> None:
    write_safetensors(tmp_path / "adapter_model.safetensors", {"lora_A": ("F32", [4, 4])})
    assert count_checkpoint(tmp_path) is None


def test_breakdown_sorts_buffers_vision_and_quantized(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    write_safetensors(
        path,
        {
            "gpt_neox.layers.0.attention.bias": ("U8", [1, 1, 4, 4]),
            "gpt_neox.layers.0.attention.rotary_emb.inv_freq": ("F32", [2]),
            "vision_tower.encoder.layers.0.fc1.weight": ("F32", [3, 3]),
            "model.layers.0.mlp.up_proj.qweight": ("I32", [2, 8]),
            "model.layers.0.mlp.up_proj.scales": ("F16", [1, 8]),
        },
    )
    count = count_file(path)
    assert count.breakdown == {"buffers": 18, "vision": 9, "quantized": 24}
    assert count.quantized


def test_integer_dominated_checkpoint_counts_as_packed() -> None:
    header = {"w": {"dtype": "I32", "shape": [100, 10]}, "n": {"dtype": "F16", "shape": [10]}}
    assert count_header(header).quantized


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "too short"),
        (b"\x05\x00", "too short"),
        (struct.pack("<Q", 500) + b"{}", "truncated"),
        (struct.pack("<Q", 4) + b"nope", "not valid JSON"),
        (struct.pack("<Q", 2) + b"[]", "not a JSON object"),
        (struct.pack("<Q", 2) + b"\xff\xfe", "not UTF-8"),
        (b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n", "Git LFS pointer"),
        (struct.pack("<Q", 0), "impossible header length"),
    ],
    ids=["empty", "short", "truncated", "garbage", "array", "binary", "lfs-pointer", "zero-length"],
)
def test_bad_files_raise_one_line_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(content)
    with pytest.raises(SafetensorsError, match=message) as info:
        count_file(path)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("model.safetensors ")


def _raw_header(tensors: dict) -> bytes:
    blob = json.dumps(tensors).encode()
    return struct.pack("<Q", len(blob)) + blob


@pytest.mark.parametrize(
    ("tensors", "data", "message"),
    [
        ({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, 8, "outside the file"),
        ({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}, 8, "do not hold"),
        ({"a": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 0]}}, 0, "invalid shape"),
        ({"a": {"dtype": "F32", "shape": ["4"], "data_offsets": [0, 16]}}, 16, "invalid shape"),
        ({"a": {"dtype": "F32", "shape": [4]}}, 16, "invalid data_offsets"),
        ({"a": 7}, 0, "no dtype/shape"),
        ({"a": {"shape": [4], "data_offsets": [0, 16]}}, 16, "lacks a dtype"),
    ],
    ids=["past-end", "size-mismatch", "negative-dim", "string-dim", "no-offsets", "not-object", "no-dtype"],
)
def test_headers_that_lie_about_the_data_are_refused(
    tmp_path: Path, tensors: dict, data: int, message: str
) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(_raw_header(tensors) + bytes(data))
    with pytest.raises(SafetensorsError, match=message):
        count_file(path)


def test_a_ten_gigabyte_header_claim_is_refused_without_allocating(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(struct.pack("<Q", 10 * 1024**3) + b"{}" + bytes(64))
    tracemalloc.start()
    try:
        with pytest.raises(SafetensorsError, match="over the limit"):
            count_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


def test_header_limit_is_configurable() -> None:
    prefix = struct.pack("<Q", 2048)
    assert header_length(prefix, 4096) == 2048
    with pytest.raises(SafetensorsError, match="over the limit"):
        header_length(prefix, 1024)


def test_parse_header_bytes_allows_trailing_padding() -> None:
    assert parse_header_bytes(b'{"__metadata__": {}}   ') == {"__metadata__": {}}


# --- the folder reader ------------------------------------------------------------------------------------


def test_read_sidecars_reads_config_and_checkpoint(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama", "hidden_size": 8}))
    write_safetensors(tmp_path / "model.safetensors", LLAMA_LIKE)
    sidecars = read_sidecars(tmp_path, Limits())
    assert sidecars.config == {"model_type": "llama", "hidden_size": 8}
    assert sidecars.config_path == str(tmp_path / "config.json")
    assert sidecars.safetensors_parameters == LLAMA_LIKE_COUNT
    assert sidecars.safetensors_path == str(tmp_path / "model.safetensors")
    assert sidecars.safetensors_breakdown == {"lm_head": 512}
    assert sidecars.problems == []


def test_read_sidecars_empty_folder(tmp_path: Path) -> None:
    sidecars = read_sidecars(tmp_path, Limits())
    assert sidecars.config is None and sidecars.safetensors_parameters is None and sidecars.problems == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"model_type": "llama",', "invalid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
    ],
    ids=["truncated", "array", "binary", "deep"],
)
def test_broken_config_is_one_problem_line(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "config.json").write_bytes(content)
    sidecars = read_sidecars(tmp_path, Limits())
    assert sidecars.config is None
    assert len(sidecars.problems) == 1
    assert message in sidecars.problems[0]
    assert "\n" not in sidecars.problems[0]


def test_oversize_config_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama", "pad": "x" * 4000}))
    sidecars = read_sidecars(tmp_path, Limits(max_config_json_bytes=1000))
    assert sidecars.config is None
    assert "limit" in sidecars.problems[0]


def test_config_that_is_a_folder_or_fifo_is_not_read(tmp_path: Path) -> None:
    import os

    (tmp_path / "config.json").mkdir()
    assert "not a regular file" in read_sidecars(tmp_path, Limits()).problems[0]
    if hasattr(os, "mkfifo"):
        other = tmp_path / "other"
        other.mkdir()
        os.mkfifo(other / "config.json")
        os.mkfifo(other / "model.safetensors")
        problems = read_sidecars(other, Limits()).problems  # would block forever if the FIFOs were opened
        assert len(problems) == 2


def test_lfs_pointer_checkpoint_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_text("version https://git-lfs.github.com/spec/v1\nsize 1\n")
    sidecars = read_sidecars(tmp_path, Limits())
    assert sidecars.safetensors_parameters is None
    assert sidecars.problems == [
        "model.safetensors is a Git LFS pointer, not the weights (run `git lfs pull`)"
    ]


def test_index_naming_too_many_shards_is_refused(tmp_path: Path) -> None:
    weight_map = {f"t{i}": f"model-{i:05d}-of-99999.safetensors" for i in range(10_001)}
    (tmp_path / INDEX_NAME).write_text(json.dumps({"weight_map": weight_map}))
    with pytest.raises(SafetensorsError, match="more than"):
        count_index(tmp_path / INDEX_NAME)


def test_local_folder_source_reads_the_sidecars(tmp_path: Path) -> None:
    """The folder source (sources/local.py) attaches what read_sidecars finds next to the card."""
    from cardlint.sources.local import read_card_file

    (tmp_path / "README.md").write_text("# A model\n")
    (tmp_path / "config.json").write_text(
        (Path(__file__).parent / "data" / "configs" / "gpt2.json").read_text()
    )
    write_safetensors(tmp_path / "model.safetensors", LLAMA_LIKE)
    loaded = read_card_file(tmp_path / "README.md", Limits())
    assert loaded.sidecars.config is not None and loaded.sidecars.config["model_type"] == "gpt2"
    assert loaded.sidecars.safetensors_parameters == LLAMA_LIKE_COUNT
