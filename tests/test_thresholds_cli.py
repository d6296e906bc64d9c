"""Threshold findings through the real `cardlint` process, on cards we wrote: one sentence per finding, the
duties in `explain` and the SARIF rule help, a fine-tune's series figures not taken silently as its own, and
the same base named twice not called a merge."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import cardlint

FINE_TUNE = """---
license: openrail
library_name: diffusers
tags:
- text-to-image
base_model: Acme/pixel-diffusion-v1-2
---
# Pixel Diffusion v1-4

Pixel Diffusion v1-4 is a latent text-to-image model. It was initialized with the weights of
[pixel-diffusion-v1-2](https://example.org/Acme/pixel-diffusion-v1-2) and fine-tuned for 225,000 steps
at resolution 512x512.

## Environmental Impact

**Pixel Diffusion v1** **Estimated Emissions**

- **Hardware Type:** A100 PCIe 40GB
- **Hours used:** 150000
"""

GENERAL = """---
license: apache-2.0
pipeline_tag: text-generation
---
# Bramble-7B

Bramble is a 7B parameter chat model trained on 5T tokens.
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "README.md").write_text(text, encoding="utf-8")
    return folder


def _findings(folder: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = cardlint("check", "--format", "json", *args, str(folder))
    return json.loads(result.stdout)["results"][0]["findings"]


def test_modifier_finding_reads_as_one_sentence_and_says_what_its_figures_rest_on(tmp_path: Path) -> None:
    # the hours under a heading that names no series: the fine-tune's own, as far as the card says
    own = FINE_TUNE.replace("**Pixel Diffusion v1** **Estimated Emissions**", "**Estimated Emissions**")
    folder = _write(tmp_path, "pixel-diffusion-v1-4", own)
    modifier = [f for f in _findings(folder, "--policy", "eu-ai-act") if f["code"] == "CL404"]
    assert len(modifier) == 1
    message = modifier[0]["message"]
    assert modifier[0]["severity"] == "info"  # the one-third line is an indicative criterion
    assert "may exceed a downstream" not in message and "above which a downstream modifier becomes" in message
    assert "if those figures are the fine-tune's own" in message
    assert "fallback while the base model's compute is unknown" in message
    assert message.count(". ") == 0 and len(message) < 400


def test_the_series_hours_are_cumulative_compute_not_the_fine_tunes_own(tmp_path: Path) -> None:
    """Under "Pixel Diffusion v1" the hours are the whole v1 series': no modifier test on them (CL404), and
    the fine-tune's own compute is unknown (CL408)."""
    folder = _write(tmp_path, "pixel-diffusion-v1-4", FINE_TUNE)
    findings = _findings(folder, "--policy", "eu-ai-act")
    codes = {f["code"] for f in findings}
    assert "CL404" not in codes and "CL408" in codes
    undecided = next(f["message"] for f in findings if f["code"] == "CL408")
    # The cumulative tests were decided on the series' figures; the fine-tune's own figures settle the rest.
    assert "cumulative" not in undecided and "the fine-tune's own tokens" in undecided
    assert "utilisation" not in undecided
    result = cardlint("estimate", "--format", "json", str(folder))
    lineage = json.loads(result.stdout)["results"][0]["estimate"]["lineage"]
    assert lineage["own"] is None and lineage["cumulative"]["central"] > 1e22


def test_a_base_named_as_repo_id_and_as_bare_name_is_not_a_merge(tmp_path: Path) -> None:
    folder = _write(tmp_path, "pixel-diffusion-v1-4", FINE_TUNE)
    result = cardlint("estimate", "--format", "json", str(folder))
    estimate = json.loads(result.stdout)["results"][0]["estimate"]
    assert estimate["lineage"]["base_model"] == "Acme/pixel-diffusion-v1-2"
    assert "merge" not in json.dumps(estimate)


def test_indicative_criterion_names_duties_and_explain_and_sarif_spell_them_out(tmp_path: Path) -> None:
    folder = _write(tmp_path, "bramble-7b", GENERAL)  # 6 x 7e9 x 5e12 = 2.1e23 FLOP
    indicative = [f for f in _findings(folder, "--policy", "eu-ai-act") if f["code"] == "CL403"]
    assert len(indicative) == 1
    message = indicative[0]["message"]
    assert "Art. 53(1)(a)" in message and "cardlint explain CL403" in message
    assert "draw up" not in message and len(message) < 450
    explained = cardlint("explain", "CL403").stdout
    assert (
        "## Duties by instrument" in explained
        and "draw up and keep current technical documentation" in explained
    )
    sarif = json.loads(cardlint("check", "--format", "sarif", "--policy", "eu-ai-act", str(folder)).stdout)
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "draw up and keep current technical documentation" in rules["CL403"]["help"]["markdown"]
    assert "draw up and keep current technical documentation" in rules["CL403"]["help"]["text"]


def test_norwegian_read_as_a_boolean_is_a_warning_not_an_error(tmp_path: Path) -> None:
    folder = _write(tmp_path, "nordlys", "---\nlicense: mit\nlanguage:\n- no\n---\n# Nordlys\n\nA tagger.\n")
    boolean = [f for f in _findings(folder) if f["code"] == "CL109"]
    assert [f["severity"] for f in boolean] == ["warning"]
    assert "Norwegian" in boolean[0]["message"]
    assert cardlint("check", "--select", "CL109", str(folder)).returncode == 1
    assert cardlint("check", "--select", "CL109", "--fail-on", "error", str(folder)).returncode == 0
