"""Small mechanical fixes whose result is never in doubt: one token or one header, nothing else touched.

Each fix is a pure function `(text, unsafe) -> list[Change]`; each change carries the text after it, and an
unsafe change that was not allowed is listed with `applied=False` and leaves the text as it was. A fix that
would need a guess (two candidate keys, a quoted key, a broken front matter) does nothing: a linter that
damages a card once is never trusted again.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardlint.card.document import Card, parse_card
from cardlint.card.validation import dotted
from cardlint.core.regex_store import compile_pattern
from cardlint.fix.edits import EditRefused, add_front_matter, editable_card, replace_token

# Misspellings of known Hub keys seen on real cards, and the key the Hub actually reads. Keys that differ
# from a known key only in case, `-` for `_` or `licence` for `license` are renamed too; a key that merely
# resembles a known one is left to the author (the lint names the likely key; a guess could lose data).
KEY_MISSPELLINGS: dict[str, str] = {
    "licence": "license",
    "licences": "license",
    "base-model": "base_model",
    "basemodel": "base_model",
    "base_models": "base_model",
    "pipeline-tag": "pipeline_tag",
    "pipelinetag": "pipeline_tag",
    "library-name": "library_name",
    "libraryname": "library_name",
    "license-name": "license_name",
    "license-link": "license_link",
    "co2-eq-emissions": "co2_eq_emissions",
    "model_index": "model-index",
    "modelindex": "model-index",
}

NEW_FRONT_MATTER_COMMENT = (
    "# Hub metadata added by `cardlint fix`: add license, language, tags, base_model (fine-tunes)."
)


@dataclass(frozen=True)
class Change:
    """One applied (or proposed) fix: the rule it answers, a line saying what it did, and the new text."""

    rule: str  # the rule name in the catalogue (kebab-case)
    safety: str  # safe | unsafe
    message: str
    line: int | None
    text: str
    applied: bool = True


def _editable(text: str) -> Card | None:
    try:
        card = editable_card(text)
    except EditRefused:
        return None
    return card if card.front_matter is not None and isinstance(card.front_matter.data, dict) else None


def intended_key(key: str, known: frozenset[str]) -> str | None:
    """The known key that `key` certainly stands for, or None."""
    if key in known:
        return None
    if key in KEY_MISSPELLINGS:
        return KEY_MISSPELLINGS[key]
    normalised = key.strip().lower().replace("-", "_").replace("licence", "license")
    by_normal = {name.lower().replace("-", "_"): name for name in known}
    return by_normal.get(normalised)


def _known_top_level_keys() -> frozenset[str]:
    """The Hub's documented keys, from the metadata schema the lint uses (our own table as a fallback)."""
    try:
        from cardlint.card.validation import known_keys
    except ImportError:  # pragma: no cover - the schema module ships with cardlint
        return frozenset(KEY_MISSPELLINGS.values())
    return known_keys()


def fix_misspelt_keys(text: str, unsafe: bool = False) -> list[Change]:
    """Rename a misspelt top-level key to the key the Hub reads, when the right key is not there already.

    Unsafe when the value is invalid under the right key (TRL's template writes `licence: license`): the
    rename is still what the author meant, but the Hub would then read a value it rejects."""
    changes: list[Change] = []
    card = _editable(text)
    if card is None or card.front_matter is None:
        return changes
    data = card.front_matter.data
    known = _known_top_level_keys()
    targets = {key: intended_key(key, known) for key in data if isinstance(key, str)}
    for path, mark in sorted(card.front_matter.marks.items(), key=lambda item: item[1].key_line):
        if len(path) != 1 or not isinstance(path[0], str):
            continue
        wrong = path[0]
        right = targets.get(wrong)
        if right is None or right in data or list(targets.values()).count(right) > 1:
            continue
        try:
            renamed = replace_token(text, mark.key_line, mark.key_column, f"{wrong}:", f"{right}:")
        except EditRefused:
            continue  # quoted or unusual key: leave it for the author
        message = f"renamed `{wrong}` to `{right}`"
        if _valid_under(renamed, right):
            text = renamed
            changes.append(Change("misspelt-key", "safe", message, mark.key_line, text))
        elif unsafe:
            text = renamed
            changes.append(
                Change(
                    "misspelt-key", "unsafe", f"{message} (its value is not valid there)", mark.key_line, text
                )
            )
        else:
            changes.append(Change("misspelt-key", "unsafe", message, mark.key_line, text, applied=False))
    return changes


def _valid_under(text: str, key: str) -> bool:
    """Whether the metadata schema accepts the value now stored under `key`."""
    try:
        from cardlint.card.validation import validate_metadata
    except ImportError:  # pragma: no cover - the schema module ships with cardlint
        return True
    return not any(problem.path[:1] == (key,) for problem in validate_metadata(parse_card(text)))


def fix_yaml11_scalars(text: str, unsafe: bool = False) -> list[Change]:
    """Rewrite each plain scalar that YAML 1.1 reads as something other than it looks, exactly as the
    lint's own finding says (`- no` -> `- "no"`, `3.8e25` -> `3.8e+25`, `24_700_000` -> `24700000`, a date
    -> quoted), so fixing and linting can never disagree. Numbers whose YAML 1.1 reading is itself a surprise
    (sexagesimal `1:30`, octal `010`) are a guess and left to the author."""
    from cardlint.checks import CheckContext
    from cardlint.checks.structure import YAML11_BOOLEAN, yaml11_surprises

    changes: list[Change] = []
    card = _editable(text)
    if card is None or card.front_matter is None:
        return changes
    surprises = {(s.line, s.column): s for s in card.front_matter.surprises}
    findings = sorted(
        yaml11_surprises(CheckContext(card=card, path=card.path)),
        key=lambda f: (f.location.line or 0, -(f.location.column or 0)),  # right to left: columns stay valid
    )
    for finding in findings:
        surprise = surprises.get((finding.location.line or 0, finding.location.column or 0))
        if surprise is None or not finding.fix:
            continue
        replacement = finding.fix
        if finding.code == YAML11_BOOLEAN and surprise.path[:1] == ("language",):
            replacement = f'"{surprise.raw.lower()}"'  # language codes are lower case (`No` is Norwegian too)
        if surprise.kind in ("int", "float") and not _PLAIN_NUMBER.fullmatch(surprise.raw):
            continue
        try:
            text = replace_token(text, surprise.line, surprise.column, surprise.raw, replacement)
        except EditRefused:
            continue
        where = dotted(surprise.path)  # `language[29]`, as the lint message writes it
        rule = _RULE_NAMES.get(finding.code, finding.code)
        changes.append(
            Change(rule, "safe", f"`{surprise.raw}` -> {replacement} in `{where}`", surprise.line, text)
        )
    return changes


# A number with `_` separators: YAML 1.1 and 1.2 disagree only about the underscores.
_PLAIN_NUMBER = compile_pattern(r"[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?")
_RULE_NAMES = {"CL109": "yaml11-boolean", "CL110": "yaml11-number", "CL111": "yaml11-timestamp"}


def fix_missing_front_matter(text: str, unsafe: bool = False) -> list[Change]:
    """Open a minimal front matter on a card that has none. Unsafe: a README without metadata is not always a
    model card, and the Hub will start reading whatever is added."""
    card = parse_card(text)
    if card.has_front_matter_opening or not text.strip():
        return []
    try:
        new_text = add_front_matter(text, [NEW_FRONT_MATTER_COMMENT])
    except EditRefused:
        return []
    if not unsafe:
        return [Change("no-front-matter", "unsafe", "added a front matter", 1, text, applied=False)]
    return [Change("no-front-matter", "unsafe", "added a front matter", 1, new_text)]
