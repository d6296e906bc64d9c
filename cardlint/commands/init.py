"""`cardlint init`: start a new model card with the Hub's sections and an empty compute disclosure.

A card begun from this scaffold already has the places reviewers look for (training details, environmental
impact, compute infrastructure) and the `training_compute` block cardlint reads, so the author fills in
figures instead of inventing structure. It never overwrites a file and asks nothing unless --interactive.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from cardlint.fix.disclosure import DISCLOSURE_KEY, allowed_values, yaml_scalar

EXIT_WRITTEN, EXIT_ERROR = 0, 2

# Commented placeholders of the disclosure block: key, what to write there.
DISCLOSURE_GUIDE = (
    ("parameters", "total parameter count, e.g. 8030000000"),
    ("active_parameters", "parameters used per token, for a mixture of experts"),
    ("training_tokens", "tokens seen in training, epochs included"),
    ("hardware_type", "accelerator model, e.g. H100-SXM"),
    ("hardware_count", "number of accelerators"),
    ("device_hours", "accelerator-hours of the training run"),
    ("training_duration_days", "wall-clock days"),
    ("training_flop", "training compute in FLOP, two significant figures, e.g. 7.2e+23"),
    ("method", "reported | architecture | hardware | energy | measured | combined"),
    ("scope", "final-run | cumulative | including-rnd"),
    ("energy_mwh", "training energy in MWh"),
    ("co2_tonnes", "emissions in tonnes CO2eq"),
)

# The Hub template's section outline (heading level, title) with our own one-line guidance for each.
SECTIONS: tuple[tuple[int, str, str], ...] = (
    (2, "Model Details", ""),
    (3, "Model Description", "What the model is, who built it, its type, languages, license and base model."),
    (3, "Model Sources", "Links to the repository, paper and demo."),
    (2, "Uses", ""),
    (3, "Direct Use", "What the model can be used for as released."),
    (3, "Downstream Use", "What it can be fine-tuned or built into."),
    (3, "Out-of-Scope Use", "Uses it is not meant for or will work badly in."),
    (2, "Bias, Risks, and Limitations", "Known technical and social limits."),
    (3, "Recommendations", "What users should do about those limits."),
    (2, "How to Get Started with the Model", "A short code example that loads the model."),
    (2, "Training Details", ""),
    (3, "Training Data", "Datasets used, with links, and how much data (tokens)."),
    (3, "Training Procedure", ""),
    (4, "Preprocessing", "Filtering, deduplication, tokenisation."),
    (4, "Training Hyperparameters", "Precision, batch size, sequence length, steps, learning rate."),
    (4, "Speeds, Sizes, Times", "Parameters, tokens, accelerator-hours, wall-clock time, training FLOP."),
    (2, "Evaluation", ""),
    (3, "Testing Data, Factors & Metrics", "What the model was evaluated on, and how."),
    (3, "Results", "The numbers, with the setting that produced them."),
    (2, "Environmental Impact", "Hardware type, hours used, cloud provider, region, energy and emissions."),
    (2, "Technical Specifications", ""),
    (3, "Model Architecture and Objective", "Architecture, sizes, context length, training objective."),
    (3, "Compute Infrastructure", ""),
    (4, "Hardware", "Accelerator type and count used for training."),
    (4, "Software", "Training framework and versions."),
    (2, "Citation", "BibTeX for the paper or the model, if any."),
    (2, "Model Card Authors", "Who wrote this card."),
    (2, "Model Card Contact", "Where to send questions."),
)


@dataclass
class Answers:
    """What the author told us; empty means not stated (so nothing is written for it)."""

    model_name: str
    metadata: dict[str, str] = field(default_factory=dict)
    disclosure: dict[str, int | float | str] = field(default_factory=dict)


def render_card(answers: Answers) -> str:
    """The whole scaffold as text (LF line endings, ends with a newline)."""
    lines = ["---", "# Hub metadata: fill in what applies (https://huggingface.co/docs/hub/model-cards)."]
    for key in ("license", "language", "library_name", "pipeline_tag", "base_model"):
        value = answers.metadata.get(key)
        if value:
            lines.append(f"{key}: {yaml_scalar(key, value)}")
        else:
            lines.append(f"# {key}:")
    # `{}` keeps the block a mapping (valid against the metadata schema) while every key is still commented.
    lines.append(f"{DISCLOSURE_KEY}:" if answers.disclosure else f"{DISCLOSURE_KEY}: {{}}")
    lines.append(
        "  # Training compute, stated by you. `cardlint fix` fills in what the card text already says."
    )
    for key, guide in DISCLOSURE_GUIDE:
        stated = answers.disclosure.get(key)
        if stated is not None and stated != "":
            lines.append(f"  {key}: {yaml_scalar(key, stated)}")
        else:
            lines.append(f"  # {key}:  # {guide}")
    lines.append("---")
    lines.append("")
    lines.append(f"# {answers.model_name}")
    lines.append("")
    lines.append("<!-- One paragraph: what this model does and for whom. -->")
    for level, title, guide in SECTIONS:
        lines.append("")
        lines.append(f"{'#' * level} {title}")
        if guide:
            lines.append("")
            lines.append(f"<!-- {guide} -->")
    return "\n".join(lines) + "\n"


def _ask(default_name: str) -> Answers:
    answers = Answers(click.prompt("Model name", default=default_name))
    for key, question in (
        ("license", "License id (e.g. apache-2.0, mit; blank to skip)"),
        ("language", "Language code (e.g. en; blank to skip)"),
        ("library_name", "Library (e.g. transformers; blank to skip)"),
        ("pipeline_tag", "Pipeline tag (e.g. text-generation; blank to skip)"),
        ("base_model", "Base model repo id, for a fine-tune (blank if none)"),
    ):
        value = click.prompt(question, default="", show_default=False).strip()
        if value:
            answers.metadata[key] = value
    for key, question, kind in (
        ("parameters", "Total parameters (blank if unknown)", int),
        ("training_tokens", "Training tokens (blank if unknown)", int),
        ("hardware_type", "Accelerator type (blank if unknown)", str),
        ("hardware_count", "Number of accelerators (blank if unknown)", int),
        ("device_hours", "Accelerator-hours (blank if unknown)", float),
    ):
        raw = click.prompt(question, default="", show_default=False).strip()
        if not raw:
            continue
        try:
            answers.disclosure[key] = kind(float(raw)) if kind is not str else raw
        except ValueError:
            click.echo(f"  '{raw}' is not a number; {key} left empty", err=True)
    scope = click.prompt(
        "Scope of the compute figures",
        type=click.Choice(sorted(allowed_values("scope"))),
        default="unknown",
    )
    if answers.disclosure and scope != "unknown":
        answers.disclosure["scope"] = scope
    return answers


@click.command("init", epilog="Exit codes: 0 card written; 2 the file exists or cannot be written.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--interactive", is_flag=True, help="Ask for the model's name, metadata and training figures.")
@click.option("--name", "model_name", help="The model's name for the title (default: the folder's name).")
def init(path: Path | None, interactive: bool, model_name: str | None) -> None:
    """Write a new model card (default ./README.md) with the Hub's sections and an empty, commented
    training_compute block. Never overwrites an existing file."""
    target = path or Path("README.md")
    if target.is_dir():
        target = target / "README.md"
    default_name = model_name or target.resolve().parent.name or "Model"
    answers = _ask(default_name) if interactive else Answers(default_name)
    try:
        with target.open("x", encoding="utf-8", newline="") as handle:
            handle.write(render_card(answers))
    except FileExistsError:
        click.echo(f"cardlint: {target}: already exists; init never overwrites a card", err=True)
        sys.exit(EXIT_ERROR)
    except OSError as exc:
        click.echo(f"cardlint: {target}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"wrote {target}", err=True)
    sys.exit(EXIT_WRITTEN)
