"""CL2xx findings: required vs advised gaps, placeholders, precision, scope, MoE, base_model, energy."""

from __future__ import annotations

import datetime as dt

from policy_support import card_text, codes, context, estimate, fact, frontier_405b, interval, llama_7b, run

from cardlint.checks.disclosure import (
    base_model_declared,
    compute_scope,
    energy_method,
    moe_active_parameters,
    required_fields,
)
from cardlint.policy.fields import significant_figures


def by_finder(findings) -> dict[str, str]:
    return {f.data["finder"]: f.code for f in findings}


def test_frontier_card_misses_required_fields_where_they_belong() -> None:
    text, facts, est = frontier_405b()
    findings = run(required_fields, context(text, facts, est))
    gaps = by_finder(findings)
    # Stated in the card: no finding.
    for present in (
        "licence",
        "parameters",
        "intended_uses",
        "acceptable_use",
        "training_data",
        "evaluation",
    ):
        assert present not in gaps, present
    # Required of a model above 1e25 and absent: warnings naming the article.
    for missing in ("training_compute", "energy", "training_flop", "compute_method", "context_length"):
        assert gaps[missing] == "CL201", missing
    compute = next(f for f in findings if f.data["finder"] == "training_compute")
    assert compute.policy == "eu-ai-act" and "Annex XI 2(d)" in compute.message
    assert compute.location.line == 20  # the Training Data heading, where compute figures go
    # "Where applicable" fields stay advice even when the instrument applies.
    assert gaps["software_versions"] == "CL202"


def test_the_same_gap_is_advice_for_a_7b_model_and_nothing_for_a_classifier() -> None:
    text, facts, est = llama_7b()
    assert by_finder(run(required_fields, context(text, facts, est)))["energy"] == "CL202"
    classifier = text.replace("text-generation", "text-classification")
    assert run(required_fields, context(classifier, facts, est)) == []


def test_placeholder_in_a_required_field_points_at_the_placeholder() -> None:
    facts = [
        fact("parameters", 405e9, 6, "405B parameter"),
        fact("training_tokens", 15.6e12, 6, "15.6T tokens"),
    ]
    findings = run(
        required_fields, context(card_text("placeholder-405b.md"), facts, estimate(interval(3.8e25), facts))
    )
    placeholders = {(f.data["finder"], f.location.line) for f in findings if f.code == "CL203"}
    assert placeholders == {("training_time", 12), ("evaluation", 16)}


def test_voluntary_profile_gaps_are_advice_and_placeholders_are_reported() -> None:
    findings = run(required_fields, context(card_text("bert-trainer.md"), [], None, ids=["fmti"]))
    assert set(codes(findings)) == {"CL202"}
    assert all(f.policy == "fmti" for f in findings)
    hardware = next(f for f in findings if f.data["finder"] == "hardware")
    assert hardware.location.line == 29 and "placeholder" in hardware.message


def test_not_in_force_instrument_named_explicitly_gives_advice() -> None:
    facts = [fact("training_flop", 2e26, 6, "2.0e26 FLOP")]
    text = "---\npipeline_tag: text-generation\n---\n# Big\n\nTrained with 2.0e26 FLOP.\n"
    findings = run(
        required_fields,
        context(
            text, facts, estimate(interval(2e26, 1.2), facts), ids=["us-ca-sb53"], as_of=dt.date(2025, 6, 1)
        ),
    )
    assert findings and set(codes(findings)) == {"CL202"}
    assert "not in force" in findings[0].message
    in_force = run(
        required_fields, context(text, facts, estimate(interval(2e26, 1.2), facts), ids=["us-ca-sb53"])
    )
    assert "CL201" in codes(in_force)


def _systemic(quote: str, value: float):
    text = "---\npipeline_tag: text-generation\n---\n# Big\n\nTraining compute: " + quote + " FLOP.\n"
    facts = [fact("training_flop", value, 6, quote)]
    return context(text, facts, estimate(interval(value, 1.1), facts, driver="reported"))


def test_eu_notification_precision_two_significant_figures() -> None:
    coarse = [f for f in run(required_fields, _systemic("4e25", 4e25)) if f.code == "CL204"]
    assert (
        len(coarse) == 1 and coarse[0].data == {"stated": 1, "required": 2} and coarse[0].location.line == 6
    )
    assert "Guidelines 2.3.2" in coarse[0].message
    assert not [f for f in run(required_fields, _systemic("3.8 × 10^25", 3.8e25)) if f.code == "CL204"]
    assert not [f for f in run(required_fields, _systemic("4.0e25", 4e25)) if f.code == "CL204"]


def test_significant_figures_read_from_what_the_card_wrote() -> None:
    assert significant_figures(fact("training_flop", 3.8e25, 1, "3.8e25 FLOP")) == 2
    assert significant_figures(fact("training_flop", 4e25, 1, "4.0 x 10^25")) == 2
    assert significant_figures(fact("training_flop", 1e25, 1, "10^25")) == 1
    assert significant_figures(fact("parameters", 7.3e10, 1, "73,000,000,000 parameters")) == 2
    assert significant_figures(fact("energy_mwh", 1022, 1, "1,022 MWh")) == 4


def test_scope_of_a_compute_figure() -> None:
    assert codes(run(compute_scope, _systemic("3.8e25", 3.8e25))) == ["CL205"]
    declared = _systemic("3.8e25", 3.8e25)
    text = "---\npipeline_tag: text-generation\ntraining_compute:\n  scope: cumulative\n---\n# Big\n"
    declared = context(text, declared.facts, declared.estimate)
    assert run(compute_scope, declared) == []
    unknown = context(text.replace("cumulative", "unknown"), declared.facts, declared.estimate)
    assert codes(run(compute_scope, unknown)) == ["CL205"]
    in_words = context(
        "---\npipeline_tag: text-generation\n---\n# Big\n\n"
        "Cumulative compute over all stages: 3.8e25 FLOP.\n",
        declared.facts,
        declared.estimate,
    )
    assert run(compute_scope, in_words) == []


def test_moe_card_with_total_but_not_active_parameters() -> None:
    facts = [fact("parameters", 141e9, 6, "141B parameters"), fact("training_tokens", 12e12, 6, "12T tokens")]
    est = estimate(interval(1e25), facts)
    (finding,) = run(moe_active_parameters, context(card_text("moe.md"), facts, est))
    assert finding.code == "CL206" and finding.location.line == 6 and "141B" in finding.message
    with_active = [*facts, fact("active_parameters", 39e9, 6, "39B active")]
    assert run(moe_active_parameters, context(card_text("moe.md"), with_active, est)) == []
    dense = card_text("moe.md").replace("sparse mixture-of-experts", "dense").replace("Hive-MoE", "Hive")
    assert run(moe_active_parameters, context(dense, facts, est)) == []


def test_fine_tune_without_base_model_metadata() -> None:
    text = "---\npipeline_tag: text-generation\n---\n# Twig\n\n"
    text += "This model is a fine-tuned version of acme/base-7b.\n"
    base = [fact("base_model", "acme/base-7b", 6, "fine-tuned version of acme/base-7b")]
    (finding,) = run(base_model_declared, context(text, base, None))
    assert finding.code == "CL207" and finding.location.line == 6 and "acme/base-7b" in (finding.fix or "")
    declared = text.replace("---\n# Twig", "base_model: acme/base-7b\n---\n# Twig")
    assert run(base_model_declared, context(declared, base, None)) == []
    # A small classifier: the EU AI Act cannot apply, so nothing under the default policies ...
    assert run(base_model_declared, context(card_text("bert-trainer.md"), [], None)) == []
    # ... but a profile that asks for model dependencies reports it.
    assert codes(run(base_model_declared, context(card_text("bert-trainer.md"), [], None, ids=["fmti"]))) == [
        "CL207"
    ]


def test_energy_without_method() -> None:
    text, facts, est = frontier_405b()
    energy = [*facts, fact("energy_mwh", 11390.0, 24, "11,390 MWh")]
    assert codes(run(energy_method, context(text, energy, est))) == ["CL208"]
    with_method = text + "\nEnergy was measured at the wall with metered PDUs.\n"
    assert run(energy_method, context(with_method, energy, est)) == []
    assert run(energy_method, context(text, facts, est)) == []


OWN_PROFILE = """\
id: acme-cards
name: "ACME model card policy"
short_name: "ACME policy"
jurisdiction: company
kind: company-policy
binding: true
status: in-force
reviewed: 2026-10-01
dates: {applies_from: 2026-01-01}
summary: "Every ACME card states its red-team results."
thresholds: []
disclosure:
  - group: safety
    title: "Safety section"
    ref: "ACME 4.2"
    when: [always]
    fields:
      - id: acme.redteam
        ref: "ACME 4.2(a)"
        label: "red-team results"
        find: {sections: ['red[- ]team'], place: {section: "Red teaming", pattern: "safety"}}
sources:
  - {id: memo, title: "ACME memo 2026-09"}
"""


def test_a_users_own_field_with_an_inline_finder(tmp_path) -> None:
    from cardlint.policy.loading import select_policies

    path = tmp_path / "acme.yaml"
    path.write_text(OWN_PROFILE, encoding="utf-8")
    policies = select_policies(None, [str(path)], dt.date(2026, 11, 26))
    text = "---\nlicense: mit\n---\n# Widget\n\n## Safety\n\nWe care.\n"
    (finding,) = run(required_fields, context(text, [], None, policies=policies))
    assert (finding.code, finding.policy, finding.location.line) == ("CL201", "acme-cards", 6)
    assert "ACME 4.2(a)" in finding.message
    done = text + "\n## Red-team results\n\nNo jailbreak succeeded in 500 attempts.\n"
    assert run(required_fields, context(done, [], None, policies=policies)) == []


def test_training_techniques_are_not_a_fine_tune_of_another_model() -> None:
    text = "---\npipeline_tag: text-generation\n---\n# Pine-1B\n\n### Quantization-Aware Training and LoRA\n"
    assert run(base_model_declared, context(text, [], None)) == []
