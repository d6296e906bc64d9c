"""The fact kinds cardlint reports, their base units, and one constructor so every extractor builds Facts
alike."""

from __future__ import annotations

from cardlint.types import Fact, Location

# A note on token facts that give the size of the data trained on (not tokens seen); kept only when the card
# states no token count of its own.
DATASET_SIZE = "dataset size"

KIND_UNITS = {
    "parameters": "parameters",
    "active_parameters": "parameters",
    "training_tokens": "tokens",
    "fine_tune_tokens": "tokens",
    "hardware_type": "id",
    "hardware_count": "devices",
    "device_hours": "device-hours",
    "fine_tune_device_hours": "device-hours",
    "training_duration_days": "days",
    "training_flop": "FLOP",
    "energy_mwh": "MWh",
    "power_watts_per_device": "W",
    "co2_tonnes": "tCO2eq",
    "base_model": "id",
    "training_precision": "id",
}


def make_fact(
    kind: str,
    value: float | str,
    *,
    path: str,
    line: int | None,
    column: int | None,
    origin: str,
    quote: str,
    subject: str | None = None,
    derived: bool = False,
    approximate: bool = False,
    lower_bound: bool = False,
    ambiguous: bool = False,
    from_name: bool = False,
    note: str | None = None,
    interval: tuple[float, float] | None = None,
) -> Fact:
    return Fact(
        kind=kind,
        value=value,
        unit=KIND_UNITS.get(kind, ""),
        location=Location(path, line, column),
        origin=origin,
        quote=quote[:80],
        subject=subject,
        derived=derived,
        approximate=approximate,
        lower_bound=lower_bound,
        ambiguous=ambiguous,
        from_name=from_name,
        note=note,
        interval=interval,
    )
