"""CL4xx findings: exceeded, straddled, indicative, modifier, cumulative, biological, undeterminable."""

from __future__ import annotations

import datetime as dt

from policy_support import (
    card_text,
    codes,
    context,
    estimate,
    fact,
    fine_tune_lineage,
    frontier_405b,
    interval,
    llama_7b,
    run,
)

from cardlint.checks.disclosure import required_fields
from cardlint.checks.thresholds import compute_undeterminable, threshold_positions
from cardlint.policy.duties import duties_markdown
from cardlint.types import Interval

GENERATIVE_CARD = "---\npipeline_tag: text-generation\n---\n# Bramble\n\nA chat model.\n"


def test_405b_exceeds_the_eu_presumption_with_its_duties_and_nothing_else() -> None:
    text, facts, est = frontier_405b()
    findings = run(threshold_positions, context(text, facts, est))
    assert codes(findings) == ["CL402", "CL403"]
    exceeded = next(f for f in findings if f.code == "CL402")
    assert exceeded.policy == "eu-ai-act"
    assert "Art. 51(2)" in exceeded.message and "Art. 52(1)" in exceeded.message
    assert "two weeks" in exceeded.message
    assert exceeded.location.line == 10  # the parameter figure that drove the estimate
    assert exceeded.data["threshold"] == "systemic-risk"
    indicative = next(f for f in findings if f.code == "CL403")
    assert indicative.data["threshold"] == "gpai-indicative"


def test_7b_on_2t_tokens_has_no_threshold_finding() -> None:
    text, facts, est = llama_7b()
    ctx = context(text, facts, est)
    assert run(threshold_positions, ctx) == []
    assert run(compute_undeterminable, ctx) == []


def test_a_straddle_of_a_binding_threshold_names_the_decisive_figure() -> None:
    facts = [fact("parameters", 70e9, 6, "70B"), fact("device_hours", 6.4e6, 6, "6.4M GPU hours")]
    est = estimate(Interval(5e24, 9e24, 2e25), facts, driver="hardware")
    (straddle,) = [
        f for f in run(threshold_positions, context(GENERATIVE_CARD, facts, est)) if f.code == "CL401"
    ]
    assert straddle.policy == "eu-ai-act" and straddle.data["status"] == "straddles"
    assert "utilisation" in straddle.message
    assert straddle.location.line == 6


def test_same_card_under_different_dates() -> None:
    facts = [fact("training_flop", 2e26, 6, "2.0e26 FLOP")]
    est = estimate(interval(2e26, 1.3), facts, driver="reported")
    at_2024 = run(threshold_positions, context(GENERATIVE_CARD, facts, est, as_of=dt.date(2024, 6, 1)))
    assert [(f.code, f.policy) for f in at_2024] == [("CL402", "us-eo-14110")]
    # Named after its revocation the order still applies, as information only.
    named = run(threshold_positions, context(GENERATIVE_CARD, facts, est, ids=["us-eo-14110"]))
    assert [(f.code, f.policy) for f in named] == [("CL403", "us-eo-14110")]
    assert "revoked" in named[0].message
    today = run(threshold_positions, context(GENERATIVE_CARD, facts, est))
    assert {(f.code, f.policy) for f in today} >= {
        ("CL402", "eu-ai-act"),
        ("CL402", "us-ca-sb53"),
        ("CL402", "kr-ai-basic-act"),
    }
    sb53 = next(f for f in today if f.policy == "us-ca-sb53")
    # the duties are named in the message; their deadlines are spelled out by `cardlint explain CL402`
    assert "22757.12" in sb53.message and "foundation model" in sb53.message
    assert "15 days" in duties_markdown("CL402")


def test_vetoed_sb1047_is_information_with_its_cost_condition() -> None:
    facts = [fact("training_flop", 2e26, 6, "2.0e26 FLOP")]
    est = estimate(interval(2e26, 1.3), facts, driver="reported")
    (finding,) = run(threshold_positions, context(GENERATIVE_CARD, facts, est, ids=["us-ca-sb1047"]))
    assert finding.code == "CL403"
    assert "USD 100M" in finding.message


def test_modification_above_a_third_of_the_base_makes_the_modifier_a_provider() -> None:
    own = interval(6e23)
    est = estimate(own, lineage=fine_tune_lineage(1.224e24, own))
    findings = run(threshold_positions, context(card_text("finetune-own.md"), [], est))
    modifier = [f for f in findings if f.code == "CL404"]
    assert len(modifier) == 1 and modifier[0].policy == "eu-ai-act"
    assert modifier[0].location.line == 3  # the base_model key


def test_small_modification_is_no_finding_and_a_straddle_may_exceed() -> None:
    small = interval(6 * 8e9 * 2e9)
    est = estimate(small, lineage=fine_tune_lineage(1.224e24, small))
    small_ctx = context(card_text("finetune-own.md"), [], est)
    assert "CL404" not in codes(run(threshold_positions, small_ctx))
    assert run(required_fields, small_ctx) == []  # not a provider: no Annex XI gaps to report
    near = Interval(3e23, 4e23, 5.5e23)
    est = estimate(near, lineage=fine_tune_lineage(1.224e24, near))
    (finding,) = [
        f
        for f in run(threshold_positions, context(card_text("finetune-own.md"), [], est))
        if f.code == "CL404"
    ]
    assert finding.data["status"] == "straddles" and "may exceed" in finding.message


def test_cumulative_compute_of_a_frontier_base_crosses_sb53_but_not_the_fine_tunes_own() -> None:
    own = interval(2e23)
    est = estimate(own, lineage=fine_tune_lineage(1.2e26, own, "big/frontier"))
    findings = run(threshold_positions, context(card_text("finetune-own.md"), [], est))
    cumulative = {f.policy for f in findings if f.code == "CL405"}
    assert cumulative == {"us-ca-sb53", "kr-ai-basic-act"}
    assert not any(f.code == "CL402" and f.policy == "us-ca-sb53" for f in findings)


def test_biological_model_near_1e23_under_eo_14110() -> None:
    bio = "---\ntags: [protein]\n---\n# Fold-15B\n"
    near = run(threshold_positions, context(bio, [], estimate(interval(6e22, 1.1)), ids=["us-eo-14110"]))
    assert codes(near) == ["CL406"]
    far = run(threshold_positions, context(bio, [], estimate(interval(1e21, 1.1)), ids=["us-eo-14110"]))
    assert far == []
    text_model = run(
        threshold_positions, context(GENERATIVE_CARD, [], estimate(interval(6e22, 1.1)), ids=["us-eo-14110"])
    )
    assert text_model == []


def test_generative_model_without_figures_is_undeterminable_when_its_name_says_it_is_large() -> None:
    named = GENERATIVE_CARD.replace("# Bramble", "# Bramble-13B")
    (finding,) = run(compute_undeterminable, context(named, [], None))
    assert finding.code == "CL407" and finding.policy == "eu-ai-act"
    assert finding.location.line == 2  # the pipeline_tag


def test_generative_model_of_unknown_or_small_size_is_not_undeterminable() -> None:
    assert run(compute_undeterminable, context(GENERATIVE_CARD, [], None)) == []
    small = GENERATIVE_CARD.replace("# Bramble", "# Bramble-small-350M")
    assert run(compute_undeterminable, context(small, [], None)) == []


def test_size_from_name() -> None:
    from cardlint.policy.signals import size_from_name

    assert size_from_name("llama-2-13b-chat") == 13e9
    assert size_from_name(None, "Qwen2.5-0.5B-Instruct") == 0.5e9
    assert size_from_name("DialoGPT-small") is None
    assert size_from_name("bert-base-uncased", "gpt2-355m") == 355e6
    assert size_from_name("resnet50b") is None


def test_fine_tune_without_its_own_figures_gets_one_info_finding_only() -> None:
    est = estimate(None, lineage=fine_tune_lineage(1.224e24, None))
    ctx = context(card_text("finetune-bare.md"), [], est)
    assert codes(run(compute_undeterminable, ctx)) == ["CL408"]
    assert run(threshold_positions, ctx) == []
    assert run(required_fields, ctx) == []


def test_small_bert_fine_tune_without_figures_gets_no_threshold_or_disclosure_finding() -> None:
    ctx = context(card_text("bert-trainer.md"), [], None)
    assert run(compute_undeterminable, ctx) == []
    assert run(threshold_positions, ctx) == []
    assert run(required_fields, ctx) == []


def test_untagged_model_of_100b_parameters_without_compute_figures_is_undeterminable() -> None:
    text = "---\nlibrary_name: transformers\n---\n# Vast\n\nA model with 104B parameters.\n"
    facts = [fact("parameters", 104e9, 6, "104B parameters")]
    assert codes(run(compute_undeterminable, context(text, facts, None))) == ["CL407"]
    small = [fact("parameters", 3e8, 6, "300M parameters")]
    assert run(compute_undeterminable, context(text, small, None)) == []


def test_unknown_compute_asks_only_for_what_the_gpai_indication_needs() -> None:
    findings = run(required_fields, context(GENERATIVE_CARD, [], None))
    assert findings and set(codes(findings)) == {"CL202"}
    assert {f.policy for f in findings} == {"eu-ai-act"}  # not SB 53: 1e26 is implausible without figures
    refs = " ".join(f.data["refs"] for f in findings)
    assert "Annex XI 1(a)" in refs and "section 2" not in refs and "Art. 52(1)" not in refs
