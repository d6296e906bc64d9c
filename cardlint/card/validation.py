"""Validate a card's metadata against schemas/card-metadata.schema.json and turn each error into a problem a
person can act on: a stable rule code, a plain-language message, and the line and column of the offending key
or value.

Raw validator text ("False is not of type 'string'") names neither the file position nor the fix, and its
wording changes between jsonschema releases; a problem carries the code and the facts, the message is ours.
"""

from __future__ import annotations

import datetime
import difflib
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cardlint.card.quick_schema import surely_valid
from cardlint.core.regex_store import compile_pattern
from cardlint.core.resources import load_yaml_resource, schema

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

    from cardlint.card.document import Card
    from cardlint.card.yaml_nodes import FrontMatter, Path_

# The rule each kind of schema problem is reported under (codes and names match rules/rules.yaml).
KIND_CODES: dict[str, str] = {
    "wrong-type": "CL112",
    "unknown-license": "CL113",
    "license-other-incomplete": "CL114",
    "unknown-pipeline-tag": "CL115",
    "invalid-language-code": "CL116",
    "malformed-model-index": "CL117",
    "invalid-metadata-value": "CL118",
    "invalid-training-compute": "CL121",
}
SCHEMA_CODES: tuple[str, ...] = tuple(sorted(set(KIND_CODES.values())))

# Blocks with their own rule: every problem inside them goes there, whatever the validator keyword.
_BLOCK_KINDS = {"model-index": "malformed-model-index", "training_compute": "invalid-training-compute"}
# Schema annotations (`x-cardlint-rule`) that name a kind under another word.
_RULE_ALIASES = {"invalid-repo-id": "invalid-metadata-value"}


@dataclass(frozen=True)
class MetadataProblem:
    """One schema violation, located in the file (1-based line and column)."""

    code: str
    kind: str
    path: tuple[str | int, ...]
    message: str
    line: int
    column: int


# --- language codes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageCodes:
    codes: frozenset[str]
    names: dict[str, str]  # lower-case English name -> ISO 639-1 code
    mistaken: dict[str, str]  # country codes often written for a language -> the language code
    withdrawn: dict[str, str]  # ISO 639-1 codes withdrawn -> their replacement


@functools.cache
def language_codes() -> LanguageCodes:
    """The codes in data/iso639.yaml (ISO 639-1, 639-3, 639-2/B, 639-5 and the Hub's special values)."""
    data = load_yaml_resource("data", "iso639.yaml")
    codes: set[str] = set(data["special"])
    for key in ("iso639_1", "iso639_3", "iso639_2b", "iso639_5"):
        codes.update(data[key].split())
    return LanguageCodes(
        frozenset(codes), dict(data["names"]), dict(data["mistaken"]), dict(data["withdrawn"])
    )


_SUBTAG = compile_pattern(r"^([A-Za-z]{4}|[A-Za-z]{2}|[0-9]{3}|[A-Za-z0-9]{5,8})$")


def is_language_code(value: str) -> bool:
    """An ISO 639 code, `multilingual`/`code`, or such a code with BCP 47 script/region/variant subtags
    (`zh-Hans`, `pt-BR`, `rm-sursilv`); a lower-case subtag that is itself a language (`en-de`) is a pair."""
    known = language_codes().codes
    if value in known:
        return True
    base, _, rest = value.partition("-")
    if base not in known or not rest:
        return False
    for subtag in rest.split("-"):
        if not _SUBTAG.match(subtag):
            return False
        if subtag.islower() and len(subtag) <= 3 and subtag in known:
            return False
    return True


def language_hint(value: str) -> str:
    """A suggestion for a value that is not a language code, or ''."""
    codes = language_codes()
    lowered = value.strip().lower()
    if lowered in codes.names:
        return f"`{value}` is a language name; use the code `{codes.names[lowered]}`"
    if lowered in codes.withdrawn:
        return f"`{value}` was withdrawn from ISO 639-1; the code is now `{codes.withdrawn[lowered]}`"
    if lowered in codes.mistaken:
        return f"`{value}` is a country code; the language code is `{codes.mistaken[lowered]}`"
    if value != lowered and is_language_code(lowered):
        return f"language codes are lower-case: `{lowered}`"
    if "_" in value and is_language_code(value.replace("_", "-")):
        return f"separate subtags with a hyphen: `{value.replace('_', '-')}`"
    parts = lowered.split("-")
    if len(parts) == 2 and all(part in codes.codes for part in parts):
        return f"this looks like a language pair; list `{parts[0]}` and `{parts[1]}` as separate entries"
    return ""


# --- the validator --------------------------------------------------------------------------------------


@functools.cache
def metadata_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = schema("card-metadata")
    return loaded


@functools.cache
def metadata_validator() -> Draft202012Validator:
    """The compiled validator, built once per process (building it costs more than validating a card).

    jsonschema is imported here, not at the top: a card with valid metadata never needs it (`_FORMATS`)."""
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("hub-language")(_FORMATS["hub-language"])
    return Draft202012Validator(metadata_schema(), format_checker=checker)


# The format checks the validator runs; every other `format` in the schema is only an annotation.
_FORMATS = {"hub-language": lambda value: not isinstance(value, str) or is_language_code(value)}


def schema_at(path: tuple[str | int, ...]) -> dict[str, Any]:
    """The subschema describing the value at `path` ({} where the schema says nothing)."""
    node = metadata_schema()
    for part in path:
        if isinstance(part, int):
            node = _resolve(node.get("items", {}))
            continue
        node = _resolve(node.get("properties", {}).get(part, {}))
    return node


def known_keys(path: tuple[str | int, ...] = ()) -> frozenset[str]:
    """Keys the schema documents for the mapping at `path` (top level by default; list indices ignored)."""
    return frozenset(schema_at(path).get("properties", {}))


def expects_boolean(path: tuple[str | int, ...]) -> bool:
    """Whether the schema allows true/false at `path` (inference, verified, ...)."""
    types = schema_at(path).get("type", [])
    return "boolean" in (types if isinstance(types, list) else [types])


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved: dict[str, Any] = metadata_schema()["$defs"][ref.rsplit("/", 1)[1]]
        return resolved
    return node


def json_ready(value: Any) -> Any:
    """The metadata as JSON would carry it: dates and times become ISO strings, keys become strings,
    sets become lists, bytes become text. The graph is bounded by the parser's limits."""
    if isinstance(value, dict):
        return {
            str(key) if not isinstance(key, str) else key: json_ready(item) for key, item in value.items()
        }
    if isinstance(value, (list, tuple, set)):
        return [json_ready(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def validate_metadata(card: Card) -> list[MetadataProblem]:
    """Every schema problem of the card's metadata, one per (path, rule), ordered by position.

    Values that YAML 1.1 turned into something else (`no` -> false, `3.8e25` -> text) are left to the YAML
    rules, which explain the cause; repeating them here as type errors would only add noise.
    """
    fm = card.front_matter
    metadata = card.metadata
    if fm is None or not metadata:
        return []
    instance = json_ready(metadata)
    surprise_paths = {surprise.path for surprise in fm.surprises}
    if surely_valid(instance, metadata_schema(), _FORMATS, frozenset(surprise_paths)):
        return []  # the real validator would find nothing reported either (see cardlint/card/quick_schema.py)
    problems: dict[tuple[tuple[str | int, ...], str], MetadataProblem] = {}
    for error in _leaf_errors(metadata_validator().iter_errors(instance)):
        path = tuple(error.absolute_path)
        if path in surprise_paths:
            continue
        problem = _problem(error, path, fm)
        problems.setdefault((problem.path, problem.code), problem)
    return sorted(problems.values(), key=lambda item: (item.line, item.column, item.code))


def _leaf_errors(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    """anyOf/oneOf would wrap the real errors; the schema avoids them, but be safe if one is added."""
    for error in errors:
        if error.context:
            yield from _leaf_errors(iter(error.context))
        else:
            yield error


def _kind(error: ValidationError, path: tuple[str | int, ...]) -> str:
    top = path[0] if path else None
    if isinstance(top, str) and top in _BLOCK_KINDS:
        return _BLOCK_KINDS[top]
    if error.validator == "type":
        return "wrong-type"
    rule = error.schema.get("x-cardlint-rule") if isinstance(error.schema, dict) else None
    if error.validator == "format" and error.validator_value == "hub-language":
        return "invalid-language-code"
    if isinstance(rule, str):
        rule = _RULE_ALIASES.get(rule, rule)
        if rule in KIND_CODES:
            return rule
    return "invalid-metadata-value"


def _problem(error: ValidationError, path: tuple[str | int, ...], fm: FrontMatter) -> MetadataProblem:
    kind = _kind(error, path)
    if kind == "license-other-incomplete":
        path = ("license",)
        line, column = position(fm, path, value=True)
    elif error.validator == "required":
        line, column = position(fm, path, value=False)
    else:
        line, column = position(fm, path, value=True)
    return MetadataProblem(KIND_CODES[kind], kind, path, _message(kind, error, path), line, column)


def position(fm: FrontMatter, path: Path_, *, value: bool) -> tuple[int, int]:
    """Line and column of the key (or value) at `path`, else of its nearest recorded ancestor's key."""
    mark = fm.marks.get(path)
    if mark is not None:
        return (mark.value_line, mark.value_column) if value else (mark.key_line, mark.key_column)
    for depth in range(len(path) - 1, 0, -1):
        mark = fm.marks.get(path[:depth])
        if mark is not None:
            return mark.key_line, mark.key_column
    return fm.start_line, 1


# --- messages -------------------------------------------------------------------------------------------

_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "empty",
}


def describe_value(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {_short(value)!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "metadata"


def _expected(error: ValidationError) -> str:
    hint = error.schema.get("x-cardlint-expect") if isinstance(error.schema, dict) else None
    if isinstance(hint, str):
        return hint
    types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    return " or ".join(_TYPE_WORDS.get(str(name), str(name)) for name in types)


def _message(kind: str, error: ValidationError, path: tuple[str | int, ...]) -> str:
    where = f"`{dotted(path)}`"
    value = error.instance
    if kind == "license-other-incomplete":
        missing = " and ".join(
            f"`{key}`" for key in ("license_name", "license_link") if key not in error.instance
        )
        return f"`license: other` needs {missing} naming and linking the license"
    if kind == "unknown-license" and isinstance(value, str):
        return f"{where} `{_short(value)}` is not a license id the Hub knows{_license_hint(value)}"
    if kind == "unknown-pipeline-tag" and isinstance(value, str):
        return f"{where} `{_short(value)}` is not a Hub task id{_pipeline_hint(value)}"
    if kind == "invalid-language-code" and isinstance(value, str):
        hint = language_hint(value)
        return f"{where} `{_short(value)}` is not an ISO 639 language code" + (f": {hint}" if hint else "")
    if error.validator == "type":
        return f"{where} should be {_expected(error)}, not {describe_value(value)}"
    if error.validator == "required":
        absent = _missing_key(error)
        return f"{where} lacks the required key `{absent}`" if absent else f"{where} lacks a required key"
    if error.validator == "pattern":
        return f"{where} `{_short(str(value))}` is not {_expected(error)}"
    if error.validator in ("enum", "const"):
        allowed = ", ".join(f"`{item}`" for item in error.validator_value)
        return f"{where} `{_short(str(value))}` is not one of {allowed}"
    if error.validator in ("minimum", "exclusiveMinimum"):
        bound = "at least" if error.validator == "minimum" else "more than"
        return f"{where} must be {bound} {error.validator_value}, not {value!r}"
    if error.validator == "minLength":
        return f"{where} is empty"
    if error.validator == "minItems":
        return f"{where} is an empty list"
    return f"{where} does not fit the metadata schema ({error.validator})"


def _missing_key(error: ValidationError) -> str | None:
    if isinstance(error.instance, dict) and isinstance(error.validator_value, list):
        for key in error.validator_value:
            if key not in error.instance:
                return str(key)
    return None


def _license_hint(value: str) -> str:
    ids = metadata_schema()["$defs"]["license_id"]["enum"]
    lowered = value.strip().lower().replace(" ", "-")
    if lowered in ids:
        return f"; write `{lowered}`"
    close = difflib.get_close_matches(lowered, ids, n=1, cutoff=0.75)
    if close:
        return f"; did you mean `{close[0]}`?"
    return "; for a custom license use `license: other` with `license_name` and `license_link`"


def _pipeline_hint(value: str) -> str:
    definition = metadata_schema()["$defs"]["pipeline_tag"]
    retired = definition.get("x-retired", {})
    if value in retired:
        return f" any more ({retired[value]})"
    close = difflib.get_close_matches(value.strip().lower(), definition["enum"], n=1, cutoff=0.75)
    return f"; did you mean `{close[0]}`?" if close else ""
