"""A field the card states only in part, through the real `cardlint` process on cards we wrote: CL201/CL202
say "incomplete", what part is there and what to add, at the line that holds the part; a card that states
the field whole gets nothing, and one with nothing of it (or only something weak) is still "not disclosed"."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import cardlint
from test_disclosure_checks import OWN_PROFILE

GPAI = ("--policy", "eu-gpai-code-of-practice", "--select", "CL201,CL202")


def _card(tmp_path: Path, folder: str, text: str) -> Path:
    path = tmp_path / folder
    path.mkdir(parents=True)
    (path / "README.md").write_text(text, encoding="utf-8")
    return path


def _about(folder: Path, words: str, *args: str) -> list[dict]:  # type: ignore[type-arg]
    """The CL201/CL202 findings whose message names `words`."""
    result = cardlint("check", "--format", "json", *(args or GPAI), str(folder))
    assert result.returncode in (0, 1), result.stderr
    findings = json.loads(result.stdout)["results"][0]["findings"]
    return [f for f in findings if words in f["message"]]


def _card_text(body: str, metadata: str = "") -> str:
    front = f"---\nlicense: apache-2.0\npipeline_tag: text-generation\n{metadata}---\n"
    return f"{front}# Heron 3B Instruct\n\n{body}"


FAMILY = "Heron is a family of small language models.\n\n"
TUNED = FAMILY + "This repository holds the instruction-tuned 3B Heron model.\n"


def test_a_tuned_variant_that_never_names_its_base_is_an_incomplete_dependency(tmp_path: Path) -> None:
    folder = _card(tmp_path, "heron/heron-3b-instruct", _card_text(TUNED))
    (gap,) = _about(folder, "model dependencies")
    assert gap["code"] == "CL202"
    assert "incomplete: the card says the model is a tuned variant but not of which model" in gap["message"]
    assert "not disclosed" not in gap["message"]
    assert gap["line"] == 9  # the sentence that says it is tuned
    assert gap["fix"].startswith("name the model it was tuned from")


def test_the_same_card_naming_its_base_or_saying_nothing_of_tuning(tmp_path: Path) -> None:
    named = _card(tmp_path, "a/heron-3b-instruct", _card_text(TUNED, "base_model: heron/heron-3b\n"))
    assert _about(named, "model dependencies") == []
    untuned = _card(tmp_path, "b/heron-3b", _card_text("Heron is a family of small language models.\n"))
    (gap,) = _about(untuned, "model dependencies")
    assert "not disclosed" in gap["message"]
    # "fine-tuned version of" names what follows: not a variant of an unnamed model
    of_named = _card(
        tmp_path, "c/heron-3b-chat", _card_text("Heron Chat is a fine-tuned version of Wren 3B, by us.\n")
    )
    assert not any("incomplete" in f["message"] for f in _about(of_named, "model dependencies"))


def test_an_author_who_speaks_only_in_the_first_person(tmp_path: Path) -> None:
    folder = _card(
        tmp_path, "kestrel/pixel-kestrel", _card_text("I trained this sketch model over a weekend.\n")
    )
    (gap,) = _about(folder, "provider")
    said = "legal name of the provider incomplete: the card speaks as its author only in the first person"
    assert said in gap["message"]
    assert gap["line"] == 7
    assert gap["fix"].startswith("name the person or organisation that developed it")
    ours = _card(tmp_path, "kestrel/pixel-kestrel-2", _card_text("Samples made with our model are below.\n"))
    assert "incomplete" in _about(ours, "provider")[0]["message"]
    named = _card(
        tmp_path,
        "kestrel/pixel-kestrel-3",
        _card_text("I trained this sketch model over a weekend.\n\n- Developed by: Kestrel Studio\n"),
    )
    assert _about(named, "provider") == []


def test_a_namespace_and_third_person_prose_alone_are_not_a_partial_developer(tmp_path: Path) -> None:
    folder = _card(tmp_path, "kestrel/pixel-kestrel", _card_text("This sketch model draws birds.\n"))
    (gap,) = _about(folder, "provider")
    assert "not disclosed" in gap["message"]


def _cite(kind: str, month: str) -> str:
    return (
        "Heron answers questions.\n\n```bibtex\n"
        f"@{kind}{{heron2025,\n  title = {{Heron: small models}},\n{month}  year = {{2025}}\n}}\n```\n"
    )


def test_a_release_citations_month_is_an_incomplete_release_date(tmp_path: Path) -> None:
    folder = _card(tmp_path, "heron/heron-3b", _card_text(_cite("misc", "  month = {October},\n")))
    (gap,) = _about(folder, "release date")
    assert "release date incomplete: the card gives only the month and year of a citation" in gap["message"]
    assert gap["line"] == 10  # the citation
    assert gap["fix"].startswith("state the date the model was released")


def test_a_papers_venue_month_or_a_year_alone_is_no_release_date(tmp_path: Path) -> None:
    paper = _card(tmp_path, "a/heron-3b", _card_text(_cite("inproceedings", "  month = {October},\n")))
    year = _card(tmp_path, "b/heron-3b", _card_text(_cite("misc", "")))
    for folder in (paper, year):
        (gap,) = _about(folder, "release date")
        assert "not disclosed" in gap["message"], folder


def test_a_training_window_under_model_dates_is_an_incomplete_release_date(tmp_path: Path) -> None:
    window = "**Model Dates** Heron was trained between March 2025 and May 2025.\n"
    folder = _card(tmp_path, "heron/heron-3b", _card_text(window))
    (gap,) = _about(folder, "release date")
    assert "release date incomplete: the card gives only when the model was trained" in gap["message"]
    assert gap["line"] == 7
    released = _card(
        tmp_path, "heron/heron-3b-r", _card_text(window + "\nHeron was released on 2025-06-02.\n")
    )
    assert _about(released, "release date") == []


def test_an_incomplete_required_field_is_cl201_and_the_sarif_log_carries_it(tmp_path: Path) -> None:
    """A binding profile of the user's own with a partial form of its own: CL201 "incomplete"."""
    policy = tmp_path / "acme.yaml"
    find = """find:
          sections: ['red[- ]team']
          partial:
            - {says: "says it was red-teamed but not with what result", add: "give the results",
               text: ['\\bred[- ]teamed\\b']}
          place: {section: "Red teaming", pattern: "safety"}"""
    own = OWN_PROFILE.replace(
        """find: {sections: ['red[- ]team'], place: {section: "Red teaming", pattern: "safety"}}""", find
    )
    assert own != OWN_PROFILE
    policy.write_text(own, encoding="utf-8")
    folder = _card(
        tmp_path, "acme/widget", "---\nlicense: mit\n---\n# Widget\n\nWidget was red-teamed in May.\n"
    )
    args = ("--policy-file", str(policy), "--policy", "acme-cards", "--select", "CL201,CL202")
    (gap,) = _about(folder, "ACME 4.2(a)", *args)
    assert gap["code"] == "CL201"
    assert gap["message"] == (
        "ACME policy ACME 4.2(a): red-team results incomplete: "
        "the card says it was red-teamed but not with what result"
    )
    assert gap["fix"] == "give the results in a 'Red teaming' section"
    sarif = cardlint("check", "--format", "sarif", *args, str(folder))
    assert sarif.returncode == 1, sarif.stderr
    (result,) = json.loads(sarif.stdout)["runs"][0]["results"]
    assert result["ruleId"] == "CL201" and "incomplete" in result["message"]["text"]
