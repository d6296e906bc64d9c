"""Disclosure findings through the real `cardlint` process, on cards we wrote: what a card states in the forms
real cards use is not reported missing, and a duty that only an indicative criterion triggers is advice."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import cardlint


def _findings(folder: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = cardlint("check", "--format", "json", *args, str(folder))
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["results"][0]["findings"]


def _card(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "README.md").write_text(text, encoding="utf-8")
    return folder


BULLETED = """---
license: apache-2.0
tags:
- text-to-image
---
# Quill-7B

Quill draws a picture from a written prompt.

## Model Details

- **Architecture:** Mamba
- Parameters: 7.3B
- Developed by: Example Lab
"""


def test_labels_in_a_bullet_list_and_the_task_in_tags_count_as_disclosed(tmp_path: Path) -> None:
    folder = _card(tmp_path, "quill-7b", BULLETED)
    findings = _findings(folder, "--policy", "eu-ai-act,eu-gpai-code-of-practice", "--select", "CL2")
    messages = [f["message"] for f in findings]
    assert any("acceptable use policy" in m for m in messages)  # what the card lacks is still reported
    for stated in ("architecture", "modalities", "number of parameters", "provider", "licence"):
        assert not any(f"{stated} not disclosed" in m or f": {stated}" in m for m in messages), stated


def test_the_same_card_without_those_lines_is_reported(tmp_path: Path) -> None:
    bare = BULLETED.replace("tags:\n- text-to-image\n", "pipeline_tag: text-to-image\n")
    bare = bare.split("## Model Details")[0]
    folder = _card(tmp_path, "quill-7b", bare.replace("Quill-7B", "Quill-7B\n\nA 7B parameter model."))
    messages = [
        f["message"] for f in _findings(folder, "--policy", "eu-gpai-code-of-practice", "--select", "CL2")
    ]
    assert any("architecture" in m for m in messages)
    assert not any("modalities" in m for m in messages)  # pipeline_tag: text-to-image says it


def _generative(tokens: str) -> str:
    return (
        "---\nlicense: apache-2.0\npipeline_tag: text-generation\n---\n# Bramble-7B\n\n"
        f"Bramble is a 7B parameter chat model trained on {tokens} tokens.\n"
    )


def test_a_duty_only_the_indicative_gpai_criterion_triggers_is_info_and_says_so(tmp_path: Path) -> None:
    folder = _card(tmp_path, "bramble-7b", _generative("5T"))  # 6 x 7e9 x 5e12 = 2.1e23 FLOP
    findings = _findings(folder, "--policy", "eu-ai-act", "--select", "CL2,CL403")
    assert any(f["code"] == "CL403" and f["severity"] == "info" for f in findings)
    gaps = [f for f in findings if f["code"] in ("CL201", "CL202")]
    assert gaps and all(f["code"] == "CL202" and f["severity"] == "info" for f in gaps)
    assert all(
        "indicative 1.0e23 FLOP criterion, CL403" in f["message"]
        for f in gaps
        if "(where" not in f["message"]
    )
    assert cardlint("check", "--policy", "eu-ai-act", "--select", "CL2,CL403", str(folder)).returncode == 0


def test_above_the_binding_threshold_the_same_gap_is_a_warning(tmp_path: Path) -> None:
    folder = _card(tmp_path, "bramble-7b", _generative("500T"))  # 2.1e25 FLOP, above the 1e25 presumption
    gaps = [f for f in _findings(folder, "--policy", "eu-ai-act", "--select", "CL2") if f["code"] == "CL201"]
    assert gaps and all(f["severity"] == "warning" and "indicative" not in f["message"] for f in gaps)
    assert cardlint("check", "--policy", "eu-ai-act", "--select", "CL2", str(folder)).returncode == 1


TABLED = """---
license: apache-2.0
pipeline_tag: text-generation
---
# Larch-7B

Larch is a 7B parameter chat model.

| Model | Params | Content Length |
|---|---|---|
| Larch-7B | 7B | 4k |

**Training Data**

Public web text and licensed books, deduplicated.

## Evaluation

The held-out set has 12,000 documents.

```python
from transformers import AutoModelForCausalLM
model = AutoModelForCausalLM.from_pretrained("example/larch-7b")
```
"""


def test_table_columns_bold_headings_and_code_count_but_evaluation_sizes_do_not(tmp_path: Path) -> None:
    folder = _card(tmp_path, "larch-7b", TABLED)
    messages = [f["message"] for f in _findings(folder, "--policy", "eu-ai-act", "--select", "CL2")]
    for stated in ("context window", "type, provenance", "technical means for integration"):
        assert not any(stated in m for m in messages), stated
    assert any("number of training data points" in m for m in messages)  # 12,000 are evaluation documents
