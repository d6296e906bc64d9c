"""schemas/card-metadata.schema.json and cardlint/card/validation.py: the schema itself, the enumerations
and their sources, and the translation of validator errors into located problems."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cardlint.card.document import parse_card
from cardlint.card.validation import (
    KIND_CODES,
    is_language_code,
    json_ready,
    known_keys,
    language_codes,
    metadata_schema,
    metadata_validator,
    validate_metadata,
)
from cardlint.core.resources import load_yaml_resource, resource_path


def problems(front_matter: str) -> list[tuple[str, tuple[str | int, ...], int, int]]:
    card = parse_card(f"---\n{front_matter}---\nText\n")
    return [(p.code, p.path, p.line, p.column) for p in validate_metadata(card)]


def test_schema_is_valid_draft_2020_12() -> None:
    schema = json.loads(resource_path("schemas", "card-metadata.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_validator_is_compiled_once() -> None:
    assert metadata_validator() is metadata_validator()


def test_license_enum_holds_the_hub_ids_and_names_its_source() -> None:
    definition = metadata_schema()["$defs"]["license_id"]
    ids = set(definition["enum"])
    assert {"apache-2.0", "mit", "llama3.1", "gemma", "openrail++", "other", "unknown"} <= ids
    assert "Apache-2.0" not in ids
    assert "repositories-licenses" in definition["$comment"]


def test_pipeline_tags_are_current_and_retired_ones_are_named() -> None:
    definition = metadata_schema()["$defs"]["pipeline_tag"]
    tags = set(definition["enum"])
    assert {"text-generation", "image-text-to-text", "automatic-speech-recognition", "any-to-any"} <= tags
    assert not tags & set(definition["x-retired"])
    assert "pipelines.ts" in definition["$comment"]


def test_every_rule_annotation_maps_to_a_code() -> None:
    rules: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "x-cardlint-rule" in node:
                rules.add(node["x-cardlint-rule"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(metadata_schema())
    assert rules - {"invalid-repo-id"} <= set(KIND_CODES)


def test_language_data_names_a_source_for_every_set() -> None:
    data = load_yaml_resource("data", "iso639.yaml")
    for key in ("iso639_1", "iso639_3", "iso639_2b", "iso639_5", "special", "names", "mistaken", "withdrawn"):
        assert key in data and key in data["sources"]
    codes = language_codes().codes
    assert len(codes) > 7000
    assert {"en", "no", "nb", "eng", "fre", "gmq", "multilingual"} <= codes


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("en", True),
        ("yue", True),
        ("zh-Hans", True),
        ("pt-BR", True),
        ("es-419", True),
        ("rm-sursilv", True),
        ("multilingual", True),
        ("en-de", False),
        ("zh_CN", False),
        ("English", False),
        ("EN", False),
        ("xx-YY", False),
        ("", False),
    ],
)
def test_language_codes(value: str, valid: bool) -> None:
    assert is_language_code(value) is valid


def test_dates_and_odd_keys_become_json_values() -> None:
    data = {"release": datetime.date(2024, 5, 1), 1: {datetime.datetime(2024, 5, 1, 12, 0)}, "b": b"x"}
    assert json_ready(data) == {"release": "2024-05-01", "1": ["2024-05-01T12:00:00"], "b": "x"}


def test_a_date_where_text_is_expected_is_not_a_type_error() -> None:
    assert problems("license: mit\nmodel_name: 2024-05-01\n") == []


def test_known_keys_at_the_top_level_and_in_blocks() -> None:
    assert {"license", "base_model", "model-index", "training_compute"} <= known_keys()
    assert {"training_flop", "scope", "stages", "energy_mwh"} <= known_keys(("training_compute",))
    assert {"name", "tokens"} <= known_keys(("training_compute", "stages", 0))
    assert "emissions" in known_keys(("co2_eq_emissions",))


def test_unknown_keys_are_allowed() -> None:
    assert problems("license: mit\nmy_own_key: {anything: [1, 2]}\n") == []


def test_co2_emissions_as_a_number_of_grams_or_a_mapping() -> None:
    assert problems("co2_eq_emissions: 7540\n") == []
    assert problems("co2_eq_emissions:\n  emissions: 12.5\n  training_type: fine-tuning\n") == []
    assert problems("co2_eq_emissions: -3\n") == [("CL118", ("co2_eq_emissions",), 2, 19)]


def test_string_or_list_fields() -> None:
    text = "language: en\ndatasets: acme/corpus\nbase_model: acme/base\ntags: [a]\nmetrics: accuracy\n"
    assert problems(text) == []
    assert problems("datasets:\n- acme/a\n- 3\n") == [("CL112", ("datasets", 1), 4, 3)]


def test_license_as_a_list_of_hub_ids() -> None:
    assert problems("license: [apache-2.0, bsd-3-clause]\n") == []
    assert problems("license: {id: mit}\n") == [("CL112", ("license",), 2, 10)]


def test_model_index_as_huggingface_hub_reads_it() -> None:
    good = """model-index:
- name: tiny
  results:
  - task: {type: text-classification, name: Text Classification}
    dataset: {type: imdb, name: IMDb, split: test, args: {lang: en}}
    metrics:
    - {type: accuracy, value: 0.9, name: Accuracy, verified: false}
    source: {name: Leaderboard, url: "https://example.org"}
"""
    assert problems(good) == []
    assert problems("model-index: {name: tiny}\n") == [("CL117", ("model-index",), 2, 14)]
    assert problems("model-index:\n- results: []\n") == [("CL117", ("model-index", 0), 3, 3)]


def test_training_compute_block() -> None:
    good = """training_compute:
  training_flop: 3.8e+25
  training_flop_low: 3.0e+25
  training_flop_high: 4.5e+25
  scope: cumulative
  method: hardware
  active_parameters: 37000000000
  hardware_type: h800
  hardware_count: 2048
  device_hours: 2788000
  precision: fp8
  energy_mwh: 1500
  co2_tonnes: 600
  derived_from: [technical report]
  our_note: extra keys are fine
"""
    assert problems(good) == []
    bad = "training_compute:\n  training_flop: lots\n  method: guessed\n"
    assert problems(bad) == [
        ("CL121", ("training_compute", "training_flop"), 3, 18),
        ("CL121", ("training_compute", "method"), 4, 11),
    ]


def test_messages_are_ours_not_the_validators() -> None:
    card = parse_card("---\ntags: 5\nlicense: Apache-2.0\n---\nText\n")
    messages = [problem.message for problem in validate_metadata(card)]
    assert all("is not of type" not in message for message in messages)
    assert any("apache-2.0" in message for message in messages)


def test_broken_front_matter_gives_no_schema_problems() -> None:
    assert validate_metadata(parse_card("---\nlicense: [mit\n---\nText\n")) == []
    assert validate_metadata(parse_card("# no metadata\n")) == []


_RESULT = "  - task: {type: text-classification}\n    dataset: {type: imdb, name: IMDb}\n"


@pytest.mark.parametrize(
    "model_index",
    [
        "- name: tiny\n  results:\n" + _RESULT + "    metrics: [{type: accuracy, value: 0.9}]\n",
        "- name: tiny\n  results:\n  - task: {type: text-classification}\n"
        "    metrics: [{type: accuracy, value: 1}]\n",
        "- name: tiny\n  results:\n" + _RESULT + "    metrics: [{type: accuracy}]\n",
        "- name: tiny\n  results:\n  - task: {name: Classification}\n    dataset: {type: imdb, name: IMDb}\n"
        "    metrics: [{type: accuracy, value: 0.9}]\n",
        "- results:\n" + _RESULT + "    metrics: [{type: accuracy, value: 0.9}]\n",
        "- name: tiny\n  results:\n  - task: {type: text-classification}\n    dataset: {type: imdb}\n"
        "    metrics: [{type: accuracy, value: 0.9}]\n",
    ],
)
def test_malformed_model_index_matches_what_huggingface_hub_refuses(model_index: str) -> None:
    from huggingface_hub import ModelCard

    text = f"---\nmodel-index:\n{model_index}---\nText\n"
    try:
        ModelCard(text)
        refused = False
    except (ValueError, KeyError, TypeError):
        refused = True
    flagged = any(problem.code == "CL117" for problem in validate_metadata(parse_card(text)))
    assert flagged == refused


def test_the_documented_training_compute_example_is_valid() -> None:
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "docs" / "metadata.md"
    if not path.is_file():
        pytest.skip("docs/ is not part of the sdist")
    doc = path.read_text(encoding="utf-8")
    block = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    card = parse_card(f"---\n{block}---\nText\n")
    assert card.metadata["training_compute"]["training_flop"] == 3.8e25
    assert validate_metadata(card) == []
    assert card.front_matter is not None and card.front_matter.surprises == []
