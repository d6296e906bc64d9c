"""CL120 through the real `cardlint` process: an unfilled template, in the forms real cards use, fails."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import cardlint


def _template_findings(folder: Path) -> list[dict]:  # type: ignore[type-arg]
    result = cardlint("check", "--format", "json", str(folder))
    return [f for f in json.loads(result.stdout)["results"][0]["findings"] if f["code"] == "CL120"]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "README.md").write_text(text, encoding="utf-8")
    return folder


def test_init_output_checked_with_default_settings_fails_naming_what_to_fill_in(tmp_path: Path) -> None:
    assert cardlint("init", cwd=tmp_path).returncode == 0
    result = cardlint("check", "README.md", cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    assert "CL120" in result.stdout
    for section in ("Direct Use", "Out-of-Scope Use", "Training Data", "Speeds, Sizes, Times", "Results"):
        assert f"'{section}'" in result.stdout, section


HUB_TEMPLATE = """---
license: mit
---
# Model Card for Fernwood

<!-- Provide a quick summary of what the model is. -->

## Model Details

### Model Description

<!-- Provide a longer summary of what this model is. -->

- **Developed by:** Fernwood Lab
- **Model type:** [more information needed]

## Training Details

### Training Data

(More Information Needed)

## Environmental Impact

- **Hardware Type:** More Information Needed
- **Hours used:** [MORE INFORMATION NEEDED]
"""


def test_hub_template_placeholders_in_any_casing_and_bracketing(tmp_path: Path) -> None:
    findings = _template_findings(_write(tmp_path, "fernwood", HUB_TEMPLATE))
    text = " ".join(f["message"] for f in findings)
    for name in ("Model type", "Training Data", "Hardware Type", "Hours used"):
        assert f"'{name}'" in text, name
    assert "'Developed by'" not in text  # filled in
    assert {f["severity"] for f in findings} == {"warning"}


TRAINER = """---
license: apache-2.0
tags:
- generated_from_trainer
---

# sparrow-sentiment

This model was trained from scratch on the None dataset.
It achieves the following results on the evaluation set:
- Loss: 0.31

## Model description

More information needed

## Intended uses & limitations

More information needed

## Training and evaluation data

More information needed

## Training procedure

### Training hyperparameters

- learning_rate: 2e-05
- train_batch_size: 16
"""


def test_trainer_boilerplate_is_reported(tmp_path: Path) -> None:
    folder = _write(tmp_path, "sparrow-sentiment", TRAINER)
    findings = _template_findings(folder)
    text = " ".join(f["message"] for f in findings)
    for name in ("Model description", "Intended uses & limitations", "Training and evaluation data"):
        assert f"'{name}'" in text, name
    assert "dataset it was trained on" in text
    assert "Training procedure" not in text  # its hyperparameters are filled in
    assert cardlint("check", str(folder)).returncode == 1


def test_the_same_card_filled_in_has_no_template_finding(tmp_path: Path) -> None:
    filled = (
        TRAINER.replace("the None dataset", "the Sparrow reviews dataset")
        .replace("More information needed", "Sentiment of short product reviews, English only.", 1)
        .replace("More information needed", "Not for medical or legal text.", 1)
        .replace("More information needed", "12,000 reviews, 10% held out.", 1)
    )
    assert _template_findings(_write(tmp_path, "sparrow-sentiment", filled)) == []
