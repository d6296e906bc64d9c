"""A card that states its own interval for the training FLOP gets that interval, not the default ±30%."""

from cardlint.api import analyse_text

CARD = """---
training_compute:
  training_flop: 2.4e+24
  training_flop_low: 2.0e+24
  training_flop_high: 2.9e+24
  scope: final-run
---
# interval-model
"""


def test_stated_interval_is_used_by_the_reported_method() -> None:
    report = analyse_text(CARD)
    (flop,) = [fact for fact in report.facts if fact.kind == "training_flop"]
    assert flop.interval == (2.0e24, 2.9e24)
    assert report.estimate is not None
    reported = next(m for m in report.estimate.methods if m.method == "reported")
    assert (reported.interval.low, reported.interval.central, reported.interval.high) == (
        2.0e24,
        2.4e24,
        2.9e24,
    )


def test_an_interval_that_does_not_contain_the_figure_is_ignored() -> None:
    report = analyse_text(CARD.replace("2.0e+24", "2.5e+24"))
    (flop,) = [fact for fact in report.facts if fact.kind == "training_flop"]
    assert flop.interval is None
    assert report.estimate is not None and report.estimate.training_flop is not None
    assert report.estimate.training_flop.low < 2.0e24  # the default ±30%
