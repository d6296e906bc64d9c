"""CL101-CL121: every card-and-metadata rule on a failing and a passing card we wrote, with the (line, column)
each finding points at. Messages are not asserted beyond the facts they must name."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardlint.card.document import parse_card
from cardlint.card.validation import known_keys
from cardlint.checks import CheckContext, all_checks
from cardlint.checks.metadata import likely_key
from cardlint.config.catalogue import load_catalogue
from cardlint.config.settings import Settings
from cardlint.pipeline.analysis import Environment, analyse
from cardlint.sources import LoadedTarget
from cardlint.types import Finding

CARDS = Path(__file__).parent / "cards" / "metadata"
CL1_CODES = {f"CL1{n:02d}" for n in range(1, 22)}
ENGINE_EMITTED = {"CL101", "CL102"}


def lint(text: str) -> list[Finding]:
    """Run every registered CL1xx check directly (no engine: no selection, severity or suppression)."""
    ctx = CheckContext(card=parse_card(text, "README.md"), path="README.md")
    found: list[Finding] = []
    for registered in all_checks():
        if CL1_CODES & set(registered.codes):
            found.extend(item for item in registered.function(ctx) if item.code in CL1_CODES)
    return sorted(found, key=lambda item: (item.location.line or 0, item.location.column or 0, item.code))


def codes_at(text: str) -> list[tuple[str, int | None, int | None]]:
    return [(item.code, item.location.line, item.location.column) for item in lint(text)]


def only(code: str, text: str) -> list[tuple[int | None, int | None]]:
    return [(line, column) for found, line, column in codes_at(text) if found == code]


GOOD = """---
license: apache-2.0
language:
- en
- "no"
- nb
- pt-BR
pipeline_tag: text-generation
library_name: transformers
base_model: acme/base-7b
datasets:
- acme/corpus
tags:
- text-generation
co2_eq_emissions:
  emissions: 1200.5
  source: measured with a power meter
model-index:
- name: acme-7b-chat
  results:
  - task:
      type: text-generation
    dataset:
      type: acme/eval
      name: Acme Eval
    metrics:
    - type: accuracy
      value: 0.61
training_compute:
  training_flop: 8.4e+22
  scope: final-run
  method: architecture
  parameters: 7000000000
  training_tokens: 2.0e+12
  stages:
  - name: pretraining
    training_flop: 8.4e+22
---
# Acme 7B chat

A chat model fine-tuned from Acme base 7B.

## Training Details

Trained on 64 H100 GPUs for 10 days.

## Environmental Impact

- **Hardware Type:** H100
"""


def test_a_complete_card_has_no_cl1xx_findings() -> None:
    assert codes_at(GOOD) == []


def test_every_cl1xx_code_is_registered_or_engine_emitted_and_catalogued() -> None:
    registered = {code for item in all_checks() for code in item.codes if code.startswith("CL1")}
    catalogue = {code for code in load_catalogue().rules if code.startswith("CL1")}
    assert registered | ENGINE_EMITTED == catalogue == CL1_CODES


# --- CL101 / CL102: emitted by the pipeline while reading the bytes ---


def _analyse(raw: bytes) -> list[str]:
    report = analyse(LoadedTarget("README.md", "README.md", raw), Environment(Settings(select=("CL1",))))
    return [item.code for item in report.findings]


def test_cl101_binary_file_is_not_a_card() -> None:
    assert _analyse(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == ["CL101"]
    assert "CL101" not in _analyse(GOOD.encode())


def test_cl102_invalid_utf8_is_reported_and_the_rest_linted() -> None:
    codes = _analyse(b"---\nlicense: mit\n---\n# Mod\xe8le\n\nText.\n")
    assert "CL102" in codes
    assert "CL102" not in _analyse(GOOD.encode())


# --- CL103 empty-card ---


def test_cl103_zero_byte_and_whitespace_cards() -> None:
    assert codes_at("") == [("CL103", 1, 1)]
    assert codes_at("\n  \n") == [("CL103", 1, 1)]


def test_cl103_metadata_without_text() -> None:
    assert only("CL103", "---\nlicense: mit\n---\n\n") == [(3, 1)]
    assert only("CL103", "---\nlicense: mit\n---\nA model.\n") == []


# --- CL104 no-front-matter ---


def test_cl104_card_without_front_matter() -> None:
    assert codes_at("# A model\n\nIt classifies text.\n") == [("CL104", 1, 1)]


def test_cl104_empty_front_matter_block() -> None:
    assert only("CL104", "---\n---\n# A model\n") == [(1, 1)]


def test_cl104_opening_line_with_trailing_spaces() -> None:
    assert only("CL104", "---  \nlicense: mit\n---\n# A model\n") == [(1, 4)]
    assert only("CL104", GOOD) == []


# --- CL105 unclosed-front-matter ---


def test_cl105_unclosed_front_matter() -> None:
    text = "---\nlicense: mit\nlanguage: en\n# A model\n\nText.\n"
    assert codes_at(text) == [("CL105", 1, 1)]


def test_cl105_names_a_closing_marker_glued_to_a_line() -> None:
    [found] = lint("---\nlicense: mit\n# A model trained on text---\n")
    assert found.code == "CL105" and "line 3" in found.message


def test_cl105_leading_blank_lines_still_locate_the_opening() -> None:
    assert only("CL105", "\n\n---\nlicense: mit\n") == [(3, 1)]
    assert only("CL105", "---\nlicense: mit\n--- \nText\n") == []


# --- CL106 yaml-syntax-error ---


def test_cl106_tab_indentation_reports_the_parser_position() -> None:
    [found] = lint("---\nlicense: mit\ntags:\n\t- audio\n---\n# A model\n")
    assert (found.code, found.location.line, found.location.column) == ("CL106", 4, 1)
    assert "TAB" in found.message


def test_cl106_unbalanced_flow_list() -> None:
    assert only("CL106", "---\nlicense: mit\ntags: [a, b\n---\nText\n") != []
    assert only("CL106", GOOD) == []


# --- CL107 front-matter-not-mapping ---


def test_cl107_list_front_matter() -> None:
    assert only("CL107", "---\n- license: mit\n- language: en\n---\nText\n") == [(2, 1)]
    assert only("CL107", "---\n[]\n---\nText\n") == [(2, 1)]


def test_cl107_scalar_front_matter_and_mapping_passes() -> None:
    assert only("CL107", "---\njust a sentence\n---\nText\n") == [(2, 1)]
    assert only("CL107", GOOD) == []


# --- CL108 duplicate-key ---


def test_cl108_duplicate_key_points_at_the_repeat_and_the_first() -> None:
    [found] = [
        f for f in lint("---\nlicense: apache-2.0\ntags: [x]\nlicense: mit\n---\nText\n") if f.code == "CL108"
    ]
    assert (found.location.line, found.location.column) == (4, 1)
    assert [location.line for location in found.related] == [2]


def test_cl108_nested_duplicate_and_clean_card() -> None:
    text = "---\nco2_eq_emissions:\n  emissions: 10\n  emissions: 12\n---\nText\n"
    assert only("CL108", text) == [(4, 3)]
    assert only("CL108", GOOD) == []


# --- CL109 yaml11-boolean ---


def test_cl109_norwegian_in_language_list() -> None:
    text = "---\nlanguage:\n- en\n- no\n---\nText\n"
    assert codes_at(text) == [("CL109", 4, 3)]
    [found] = lint(text)
    assert found.fix == '"no"' and "Norwegian" in found.message


def test_cl109_on_in_tags_and_not_in_boolean_fields() -> None:
    assert only("CL109", "---\ntags: [audio, on]\ninference: no\n---\nText\n") == [(2, 15)]
    assert only("CL109", '---\nlanguage: [en, "no"]\ninference: false\n---\nText\n') == []


# --- CL110 yaml11-number ---


def test_cl110_exponent_without_sign_is_text_in_yaml11() -> None:
    text = "---\ntraining_compute:\n  training_flop: 3.8e25\n---\nText\n"
    assert codes_at(text) == [("CL110", 3, 18)]
    [found] = lint(text)
    assert found.fix == "3.8e+25"


def test_cl110_underscore_and_base_60_numbers() -> None:
    assert only("CL110", "---\nparams: 24_700_000\nduration: 1:30\n---\nText\n") == [(2, 9), (3, 11)]
    assert only("CL110", "---\nparams: 24700000\nflop: 1.0e+25\n---\nText\n") == []


# --- CL111 yaml11-timestamp ---


def test_cl111_unquoted_date() -> None:
    assert only("CL111", "---\nrelease: 2024-05-01\n---\nText\n") == [(2, 10)]
    assert only("CL111", '---\nrelease: "2024-05-01"\n---\nText\n') == []


# --- CL112 metadata-wrong-type ---


def test_cl112_wrong_types_and_empty_values() -> None:
    text = "---\ntags: 5\nthumbnail:\nco2_eq_emissions:\n  emissions: unknown\n---\nText\n"
    assert only("CL112", text) == [(2, 7), (3, 11), (5, 14)]
    assert only("CL112", GOOD) == []


def test_cl112_is_not_repeated_for_a_yaml11_boolean() -> None:
    assert codes_at("---\nlanguage: [en, no]\n---\nText\n") == [("CL109", 2, 16)]


# --- CL113 unknown-license ---


def test_cl113_unknown_license_with_suggestion() -> None:
    [found] = lint("---\nlicense: Apache 2.0\n---\nText\n")
    assert (found.code, found.location.line, found.location.column) == ("CL113", 2, 10)
    assert "apache-2.0" in found.message


def test_cl113_license_list_items_and_known_ids() -> None:
    assert only("CL113", "---\nlicense:\n- mit\n- gpl-4\n---\nText\n") == [(4, 3)]
    assert only("CL113", "---\nlicense: llama3.1\n---\nText\n") == []


# --- CL114 license-other-incomplete ---


def test_cl114_other_without_name_and_link() -> None:
    [found] = lint("---\nlicense: other\n---\nText\n")
    assert (found.code, found.location.line, found.location.column) == ("CL114", 2, 10)
    assert "license_name" in found.message and "license_link" in found.message


def test_cl114_other_with_name_and_link_passes() -> None:
    text = "---\nlicense: other\nlicense_name: acme-license\nlicense_link: LICENSE\n---\nText\n"
    assert codes_at(text) == []


# --- CL115 unknown-pipeline-tag ---


def test_cl115_unknown_and_retired_tasks() -> None:
    assert only("CL115", "---\npipeline_tag: sentence-embeddings\n---\nText\n") == [(2, 15)]
    [found] = lint("---\npipeline_tag: text2text-generation\n---\nText\n")
    assert found.code == "CL115" and "text-generation" in found.message
    assert only("CL115", "---\npipeline_tag: image-text-to-text\n---\nText\n") == []


# --- CL116 invalid-language-code ---


def test_cl116_names_pairs_and_wrong_separators() -> None:
    text = "---\nlanguage:\n- en\n- English\n- en-de\n- zh_CN\n- jp\n---\nText\n"
    assert only("CL116", text) == [(4, 3), (5, 3), (6, 3), (7, 3)]
    messages = " ".join(item.message for item in lint(text))
    assert "`en`" in messages and "`zh-CN`" in messages and "`ja`" in messages


def test_cl116_accepts_iso_codes_regions_and_multilingual() -> None:
    text = "---\nlanguage: [en, fra, ger, gmq, zh-Hans, pt-BR, multilingual, code]\n---\nText\n"
    assert only("CL116", text) == []
    assert only("CL116", "---\nlanguage: klingon\n---\nText\n") == [(2, 11)]


# --- CL117 malformed-model-index ---


def test_cl117_result_without_dataset_and_metric_without_value() -> None:
    text = """---
model-index:
- name: tiny
  results:
  - task:
      type: text-classification
    metrics:
    - type: accuracy
---
Text
"""
    assert only("CL117", text) == [(5, 5), (8, 7)]


def test_cl117_source_without_url_and_a_valid_index() -> None:
    text = """---
model-index:
- name: tiny
  results:
  - task: {type: text-classification}
    dataset: {type: imdb, name: IMDb}
    metrics: [{type: accuracy, value: 0.9}]
    source: {name: leaderboard}
---
Text
"""
    assert only("CL117", text) == [(8, 5)]  # a missing key is reported at the mapping that lacks it
    assert only("CL117", GOOD) == []


# --- CL118 invalid-metadata-value ---


def test_cl118_base_model_path_and_relation_outside_the_list() -> None:
    text = "---\nbase_model: ./checkpoints/base\nbase_model_relation: finetuned\n---\nText\n"
    assert only("CL118", text) == [(2, 13), (3, 22)]
    assert only("CL118", "---\nbase_model: [acme/a, acme/b]\nbase_model_relation: merge\n---\nText\n") == []


# --- CL119 misspelt-key ---


def test_cl119_licence_and_base_model_with_hyphen() -> None:
    text = "---\nlicence: mit\nbase-model: acme/base\npipeline-tag: text-generation\n---\nText\n"
    found = [item for item in lint(text) if item.code == "CL119"]
    assert [(item.location.line, item.location.column, item.fix) for item in found] == [
        (2, 1, "license"),
        (3, 1, "base_model"),
        (4, 1, "pipeline_tag"),
    ]


def test_cl119_inside_training_compute_and_no_false_alarm() -> None:
    assert only("CL119", "---\ntraining_compute:\n  training_flops: 1.0e+24\n---\nText\n") == [(3, 3)]
    assert only("CL119", "---\nlicense: mit\nlibrary_tag: custom\nmodel_file: x.bin\n---\nText\n") == []
    # the intended key is present already: the other is a key of its own, not a typo
    assert only("CL119", "---\nlicense: mit\nlicenses: [mit]\n---\nText\n") == []


@pytest.mark.parametrize(
    ("key", "intended"),
    [
        ("Licence", "license"),
        ("model_index", "model-index"),
        ("lisence", "license"),
        ("--license", "license"),
    ],
)
def test_likely_key(key: str, intended: str) -> None:
    assert likely_key(key, known_keys()) == intended


# --- CL120 template-placeholder ---

TEMPLATE_BODY = """---
license: mit
---
# Model Card

## Environmental Impact

- **Hardware Type:** [More Information Needed]
- **Hours used:** [More Information Needed]

## Citation

[More Information Needed]

## Training Details

```text
[More Information Needed]
```
"""


def test_cl120_one_finding_per_section_that_matters() -> None:
    found = [item for item in lint(TEMPLATE_BODY) if item.code == "CL120"]
    assert [(item.location.line, item.location.column) for item in found] == [(8, 22)]
    assert "Hardware Type" in found[0].message and "Hours used" in found[0].message


def test_cl120_filled_sections_pass() -> None:
    filled = TEMPLATE_BODY.replace("[More Information Needed]", "8x A100", 2)
    assert only("CL120", filled) == []


# --- CL121 invalid-training-compute ---


def test_cl121_scope_and_counts() -> None:
    text = """---
training_compute:
  training_flop: -1
  scope: final
  hardware_count: 0
  stages:
  - tokens: 1000
---
Text
"""
    assert only("CL121", text) == [(3, 18), (4, 10), (5, 19), (7, 5)]
    assert only("CL121", GOOD) == []


# --- fixture cards on disk (CRLF and BOM bytes kept exactly) ---


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("crlf_no_language.md", [("CL109", 5, 3), ("CL113", 2, 10)]),
        ("bom_unclosed.md", [("CL105", 1, 1)]),
    ],
)
def test_fixture_cards(name: str, expected: list[tuple[str, int, int]]) -> None:
    raw = (CARDS / name).read_bytes()
    report = analyse(LoadedTarget(name, name, raw), Environment(Settings(select=("CL1",))))
    assert sorted(
        (item.code, item.location.line, item.location.column) for item in report.findings
    ) == sorted(expected)


def test_cl106_trailing_tab_and_cl109_before_it_both_reported() -> None:
    text = "---\nlanguage:\n- no\nsplit: validation\t\n---\nText\n"
    assert codes_at(text) == [("CL109", 3, 3), ("CL106", 4, 18)]
    [syntax] = [item for item in lint(text) if item.code == "CL106"]
    assert "end of the line" in syntax.message


def test_cl120_groups_subsections_by_chapter_below_the_title() -> None:
    text = (
        "---\nlicense: mit\n---\n# Acme 7B\n\n## Training Details\n\n### Training Data\n\n"
        "[More Information Needed]\n\n### Speeds, Sizes, Times\n\n[More Information Needed]\n\n"
        "## Glossary\n\n[More Information Needed]\n"
    )
    found = [item for item in lint(text) if item.code == "CL120"]
    assert [(item.location.line, item.location.column) for item in found] == [(10, 1)]
    assert "Training Data" in found[0].message and "Speeds, Sizes, Times" in found[0].message


def test_cl109_not_where_the_schema_wants_a_boolean() -> None:
    text = """---
inference: no
model-index:
- name: tiny
  results:
  - task: {type: text-classification}
    dataset: {type: imdb, name: IMDb}
    metrics: [{type: accuracy, value: 0.9, verified: yes}]
---
Text
"""
    assert codes_at(text) == []


def test_cl105_closing_line_with_a_stray_carriage_return() -> None:
    [found] = lint("---\r\r\nlicense: mit\r\r\n---\r\r\n# A model\r\r\n")
    assert (found.code, found.location.line, found.location.column) == ("CL105", 1, 1)
    assert "line 3" in found.message


@pytest.mark.parametrize("code", sorted(CL1_CODES - ENGINE_EMITTED))
def test_catalogue_example_triggers_its_rule(code: str) -> None:
    """The bad example in each rule's docs, linted as a card, yields that rule (docs cannot drift)."""
    example = load_catalogue().rules[code].example
    assert code in {found for found, _, _ in codes_at(example)}
