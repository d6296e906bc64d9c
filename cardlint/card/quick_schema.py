"""A yes-or-don't-know JSON Schema check, so that a card whose metadata is valid never imports jsonschema.

Importing jsonschema and building its validator costs more than the rest of a one-card `check`; most cards
in a commit hook have valid metadata, and for those the answer "no problems" needs neither. `surely_valid`
knows the handful of keywords our card-metadata schema uses and answers True only when the instance
satisfies every one of them; anything it does not know (a keyword, a non-local `$ref`, an `enum` of
non-strings) makes it answer False, and the caller runs the real validator, which alone reports problems.
So it can make a run faster, never change what it reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

# Keywords that never constrain an instance.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default", "deprecated"}
)
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    ),
}


# A check answers True (valid), False (invalid) or None (cannot tell here).
Answer = bool | None


def surely_valid(
    instance: Any,
    schema: Mapping[str, Any],
    formats: Mapping[str, Callable[[Any], bool]],
    ignored: frozenset[tuple[Any, ...]] = frozenset(),
) -> bool:
    """True only if `instance` is valid against `schema` (draft 2020-12, local `$ref`s to `#/$defs/...`),
    leaving aside problems *at* the `ignored` paths (the caller drops the validator's errors there too).

    `formats` are the format checks the real validator runs; any other `format` is an annotation, as it is
    for a validator whose FormatChecker does not know it.
    """
    return _Checker(schema, formats, ignored).valid(instance, schema) is True


def _all(answers: Iterable[Answer]) -> Answer:
    result: Answer = True
    for answer in answers:
        if answer is False:
            return False
        if answer is None:
            result = None
    return result


class _Checker:
    def __init__(
        self,
        root: Mapping[str, Any],
        formats: Mapping[str, Callable[[Any], bool]],
        ignored: frozenset[tuple[Any, ...]] = frozenset(),
    ) -> None:
        self.root = root
        self.formats = formats
        self.ignored = ignored
        self.path: tuple[Any, ...] = ()  # where in the instance the check is
        self.in_condition = 0  # inside an `if`: its truth is not an error, so nothing is left aside

    def valid(self, instance: Any, schema: Any) -> Answer:
        if schema is True:
            return True
        if (
            self.ignored
            and not self.in_condition
            and self.path in self.ignored
            and not _is_container(instance)
        ):
            return True  # every problem here would be at an ignored path
        if not isinstance(schema, Mapping):
            return None
        return _all(self._keyword(instance, keyword, value, schema) for keyword, value in schema.items())

    def _keyword(self, instance: Any, keyword: str, value: Any, schema: Mapping[str, Any]) -> Answer:
        if keyword in _ANNOTATIONS or keyword.startswith("x-"):
            return True
        check = _KEYWORDS.get(keyword)
        return None if check is None else check(self, instance, value, schema)

    def at(self, key: Any, instance: Any, schema: Any) -> Answer:
        """`valid` one level down, at `key` of the current path."""
        self.path = (*self.path, key)
        try:
            return self.valid(instance, schema)
        finally:
            self.path = self.path[:-1]

    def resolve(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
            return None
        return self.root.get("$defs", {}).get(ref[len("#/$defs/") :])


def _is_container(value: Any) -> bool:
    return isinstance(value, (dict, list))


def _type(c: _Checker, v: Any, types: Any, _s: Any) -> Answer:
    names = types if isinstance(types, list) else [types]
    if not all(name in _TYPES for name in names):
        return None
    return any(_TYPES[name](v) for name in names)


def _properties(c: _Checker, v: Any, properties: Any, _s: Any) -> Answer:
    if not isinstance(v, dict):
        return True
    return _all(c.at(key, v[key], sub) for key, sub in properties.items() if key in v)


def _items(c: _Checker, v: Any, items: Any, s: Any) -> Answer:
    if "prefixItems" in s:
        return None
    return True if not isinstance(v, list) else _all(c.at(index, item, items) for index, item in enumerate(v))


def _required(c: _Checker, v: Any, required: Any, _s: Any) -> Answer:
    return not isinstance(v, dict) or all(key in v for key in required)


def _min_length(c: _Checker, v: Any, minimum: Any, _s: Any) -> Answer:
    return not isinstance(v, str) or len(v) >= minimum


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _minimum(c: _Checker, v: Any, minimum: Any, _s: Any) -> Answer:
    return not _is_number(v) or v >= minimum


def _exclusive_minimum(c: _Checker, v: Any, minimum: Any, _s: Any) -> Answer:
    return not _is_number(v) or v > minimum


def _enum(c: _Checker, v: Any, values: Any, _s: Any) -> Answer:
    # Text is compared exactly; JSON equality of numbers and booleans differs from Python's (1 vs True), so
    # a non-text value is only certain when the enum holds nothing but text.
    if isinstance(v, str):
        return v in [item for item in values if isinstance(item, str)]
    return False if all(isinstance(item, str) for item in values) else None


def _const(c: _Checker, v: Any, value: Any, s: Any) -> Answer:
    return _enum(c, v, [value], s)


def _pattern(c: _Checker, v: Any, pattern: Any, _s: Any) -> Answer:
    return not isinstance(v, str) or re.search(pattern, v) is not None


def _format(c: _Checker, v: Any, name: Any, _s: Any) -> Answer:
    check = c.formats.get(name)
    return check is None or bool(check(v))


def _ref(c: _Checker, v: Any, ref: Any, _s: Any) -> Answer:
    target = c.resolve(ref)
    return None if target is None else c.valid(v, target)


def _all_of(c: _Checker, v: Any, schemas: Any, _s: Any) -> Answer:
    return _all(c.valid(v, sub) for sub in schemas)


def _if(c: _Checker, v: Any, condition: Any, s: Any) -> Answer:
    then, otherwise = s.get("then", True), s.get("else", True)
    c.in_condition += 1
    try:
        met = c.valid(v, condition)
    finally:
        c.in_condition -= 1
    if met is None:  # either branch may apply: certain only if both agree
        first, second = c.valid(v, then), c.valid(v, otherwise)
        return first if first == second else None
    return c.valid(v, then if met else otherwise)


def _branch(c: _Checker, v: Any, _value: Any, _s: Any) -> Answer:
    return True  # `then` / `else` are applied by `if`


_KEYWORDS: dict[str, Callable[[_Checker, Any, Any, Any], Answer]] = {
    "type": _type,
    "properties": _properties,
    "items": _items,
    "required": _required,
    "minLength": _min_length,
    "minimum": _minimum,
    "exclusiveMinimum": _exclusive_minimum,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "format": _format,
    "$ref": _ref,
    "allOf": _all_of,
    "if": _if,
    "then": _branch,
    "else": _branch,
}
