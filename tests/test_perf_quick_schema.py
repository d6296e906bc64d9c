"""`surely_valid` says yes only when jsonschema finds nothing: skipping jsonschema never hides a problem."""

from __future__ import annotations

from typing import Any

import pytest

from cardlint.card.quick_schema import surely_valid
from cardlint.card.validation import _FORMATS, json_ready, metadata_schema, metadata_validator

VALID = [
    {
        "license": "apache-2.0",
        "language": ["en", "fr"],
        "tags": ["causal-lm"],
        "pipeline_tag": "text-generation",
    },
    {"license": "other", "license_name": "acme-licence", "license_link": "LICENSE"},
    {"language": "en", "datasets": ["c4"], "base_model": "org/base-7b", "library_name": "transformers"},
    {"co2_eq_emissions": {"emissions": 1200.5, "source": "ML CO2 calculator", "hardware_used": "8 A100"}},
    {"co2_eq_emissions": 10},
    {"model-index": [{"name": "m", "results": []}]},
    {"training_compute": {"training_flop": 8.4e22, "scope": "final-run", "parameters": 7000000000}},
    {"inference": False, "widget": [{"text": "hello"}]},
    {"unknown_key": [1, {"x": None}]},
]
INVALID = [
    {"license": "not-a-licence"},
    {"license": "other"},
    {"license": "other", "license_name": "x"},
    {"language": ["english"]},
    {"language": "xx-yy-zz"},
    {"language": [1]},
    {"tags": {"a": 1}},
    {"tags": [True]},
    {"pipeline_tag": "text-gen"},
    {"co2_eq_emissions": -1},
    {"co2_eq_emissions": {"emissions": "a lot"}},
    {"co2_eq_emissions": True},
    {"model-index": [{"results": []}]},
    {"model-index": {"name": "m"}},
    {"training_compute": {"training_flop": -5}},
    {"training_compute": {"training_flop": "lots"}},
    {"training_compute": "8e22"},
    {"base_model": ""},
    {"base_model": 7},
    {"datasets": [None]},
    {"license": None},
    {"inference": "yes"},
]


def _has_errors(instance: Any) -> bool:
    return next(iter(metadata_validator().iter_errors(json_ready(instance))), None) is not None


@pytest.mark.parametrize("instance", VALID, ids=repr)
def test_valid_metadata_is_recognised(instance: Any) -> None:
    assert not _has_errors(instance)
    assert surely_valid(json_ready(instance), metadata_schema(), _FORMATS)


@pytest.mark.parametrize("instance", INVALID, ids=repr)
def test_never_sure_when_the_validator_objects(instance: Any) -> None:
    if not _has_errors(instance):
        pytest.skip("the schema allows this value")  # keeps the list honest if the schema loosens
    assert not surely_valid(json_ready(instance), metadata_schema(), _FORMATS)


def test_unknown_keywords_and_remote_refs_are_not_guessed() -> None:
    assert not surely_valid("x", {"type": "string", "maxLength": 0}, {})
    assert not surely_valid("x", {"$ref": "https://example.org/s.json"}, {})
    assert not surely_valid(1, {"enum": [1, "a"]}, {})  # JSON equality of numbers is not Python's
    assert surely_valid("a", {"enum": [1, "a"]}, {})
    assert surely_valid({"a": 1}, {"if": {"maxLength": 1}, "then": True, "else": True}, {})


def test_problems_at_ignored_paths_are_left_aside_but_nothing_else() -> None:
    flop_as_text = {"training_compute": {"training_flop": "8.4e22"}}
    ignored = frozenset({("training_compute", "training_flop")})
    assert _has_errors(flop_as_text)
    assert not surely_valid(json_ready(flop_as_text), metadata_schema(), _FORMATS)
    assert surely_valid(json_ready(flop_as_text), metadata_schema(), _FORMATS, ignored)
    # an `if` reads the real value: `license: other` still needs a name and link at the top level
    other = {"license": "other"}
    assert not surely_valid(other, metadata_schema(), _FORMATS, frozenset({("license",)}))
    # a container at an ignored path is still checked inside
    assert not surely_valid({"tags": [1]}, metadata_schema(), _FORMATS, frozenset({("tags",)}))
