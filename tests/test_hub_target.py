"""Which strings are Hub targets: validated before any request, so nothing odd reaches a URL."""

from __future__ import annotations

import pytest

from cardlint.sources import SourceError
from cardlint.sources.hub_errors import redact
from cardlint.sources.hub_target import HubRef, parse_hub_target


@pytest.mark.parametrize(
    ("text", "repo_id", "revision", "explicit"),
    [
        ("meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B", None, False),
        ("acme/tiny@main", "acme/tiny", "main", False),
        ("acme/tiny@refs/pr/12", "acme/tiny", "refs/pr/12", False),
        ("acme/tiny@" + "a" * 40, "acme/tiny", "a" * 40, False),
        ("hf://acme/tiny", "acme/tiny", None, True),
        ("hf://acme/tiny@v1.0", "acme/tiny", "v1.0", True),
        ("Org_1/model.v2-small", "Org_1/model.v2-small", None, False),
    ],
)
def test_hub_targets_parse(text: str, repo_id: str, revision: str | None, explicit: bool) -> None:
    assert parse_hub_target(text) == HubRef(repo_id=repo_id, revision=revision, explicit=explicit, text=text)


@pytest.mark.parametrize(
    "text",
    [
        "README.md",
        "cards/README.md",
        "acme",
        "acme/tiny/README.md",
        "../etc/passwd",
        "acme/..",
        "../tiny",
        "./acme/tiny",
        "/acme/tiny",
        "acme/ti..ny",
        "acme/ti--ny",
        "acme\\tiny",
        "acme/tiny%2F..",
        "https://huggingface.co/acme/tiny",
        "http://evil.example/acme/tiny",
        "acme/tiny?x=1",
        "acme/tiny#frag",
        "acme/ tiny",
        "acme/tiny@",
        "acme/tiny@../../x",
        "acme/tiny@-rf",
        "acme/tiny@a b",
        "acme/tiny@main?evil",
        "acme/tiny@http://x",
        "-acme/tiny",
        "acme/tiny-",
        "a" * 97 + "/tiny",
        "",
    ],
)
def test_non_targets_and_smuggling_attempts_are_refused(text: str) -> None:
    assert parse_hub_target(text) is None


@pytest.mark.parametrize(
    "text", ["hf://acme", "hf://datasets/acme/tiny", "hf://acme/../x", "hf://https://x/y"]
)
def test_explicit_hf_target_that_is_invalid_is_an_error(text: str) -> None:
    with pytest.raises(SourceError, match="not a Hub model id"):
        parse_hub_target(text)


def test_display_keeps_what_the_user_typed() -> None:
    ref = parse_hub_target("hf://acme/tiny@dev")
    assert ref is not None and ref.display == "hf://acme/tiny@dev"


def test_redact_hides_the_configured_token_and_token_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "hf_" + "Q" * 34
    monkeypatch.setenv("HF_TOKEN", secret)
    text = redact(f"401 for url with token {secret}; Authorization: Bearer abc.def; other hf_{'z' * 20}")
    assert secret not in text
    assert "abc.def" not in text
    assert "hf_" + "z" * 20 not in text
    assert text.count("***") == 3
