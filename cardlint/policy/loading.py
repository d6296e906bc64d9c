"""Reading policy profiles: the bundled ones and a user's own files (errors name the file and line),
and choosing the ones that apply on a date.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from cardlint.core.data_cache import cached_parse
from cardlint.core.regex_store import compile_pattern
from cardlint.core.resources import load_yaml_resource, resource_path, schema
from cardlint.policy.model import (
    ALL_SELECTOR,
    DEFAULT_SELECTOR,
    MAX_POLICY_FILE_BYTES,
    Condition,
    DisclosureGroup,
    Finder,
    Obligation,
    PartialForm,
    Policy,
    PolicyError,
    RequiredField,
    Source,
    Threshold,
    Variant,
)


@functools.cache
def builtin_finders() -> dict[str, Finder]:
    """The shared field finders of rules/disclosure-fields.yaml."""
    document = load_yaml_resource("rules", "disclosure-fields.yaml") or {}
    return {name: _finder(name, spec) for name, spec in (document.get("fields") or {}).items()}


@functools.cache
def _builtin_policies() -> tuple[Policy, ...]:
    folder = resource_path("rules", "policies")
    return tuple(sorted((_builtin_policy(path) for path in folder.glob("*.yaml")), key=lambda p: p.id))


def _builtin_policy(path: Path) -> Policy:
    """A bundled profile, its YAML read through the data cache (core/data_cache): the document and the line
    of every key, as JSON-friendly lists."""
    name = str(path)

    def document(raw: bytes) -> dict[str, Any]:
        data, lines = _load_yaml(raw.decode("utf-8-sig"), name, trusted=True)
        if not isinstance(data, dict):
            raise PolicyError(f"{name}:1: a policy file must be a YAML mapping")
        return {"data": _dates_to_strings(data), "lines": [[list(key), line] for key, line in lines.items()]}

    parts = cached_parse(path.read_bytes(), document)
    lines = {tuple(key): line for key, line in parts["lines"]}
    return _policy_of(parts["data"], lines, name, trusted=True)


def all_policies() -> list[Policy]:
    """Every built-in policy profile, sorted by id."""
    return list(_builtin_policies())


def load_policy_file(path: str | Path) -> Policy:
    """Read, validate and build one policy file; PolicyError names the file and the offending line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read policy file: {exc.strerror or exc}") from None
    if len(raw) > MAX_POLICY_FILE_BYTES:
        raise PolicyError(f"{path}: policy file is larger than {MAX_POLICY_FILE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_policy(text, str(path))


def parse_policy(text: str, name: str, *, trusted: bool = False) -> Policy:
    """Build a Policy from YAML text; `name` is used in error messages.

    `trusted` is for the built-in profiles only: they are read with libyaml and not validated against the
    schema at run time (a test validates every one), which takes most of the policy loading off a cold start.
    """
    data, lines = _load_yaml(text, name, trusted=trusted)
    if not isinstance(data, dict):
        raise PolicyError(f"{name}:1: a policy file must be a YAML mapping")
    return _policy_of(_dates_to_strings(data), lines, name, trusted=trusted)


def _policy_of(
    data: dict[str, Any], lines: Mapping[tuple[Any, ...], int], name: str, *, trusted: bool
) -> Policy:
    if not trusted:
        _validate(data, lines, name)
    finders = builtin_finders()
    _check_references(data, lines, name, finders)
    return _build_policy(data, name, finders)


class _NoAliasLoader(yaml.SafeLoader):
    """Policy files never need anchors; refusing aliases rules out alias bombs in a user's file."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.MarkedYAMLError(
                problem="aliases (*name) are not allowed in policy files", problem_mark=mark
            )
        return super().compose_node(parent, index)


_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str, name: str, *, trusted: bool = False) -> tuple[Any, dict[tuple[Any, ...], int]]:
    loader = _FAST_LOADER(text) if trusted else _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise PolicyError(f"{name}:1: the policy file is empty")
        lines: dict[tuple[Any, ...], int] = {}
        _node_lines(node, (), lines)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise PolicyError(f"{name}:{line}: invalid YAML: {exc.problem or exc}") from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        raise PolicyError(f"{name}:1: invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return data, lines


def _node_lines(node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> None:
    stack: list[tuple[yaml.Node, tuple[Any, ...]]] = [(node, path)]
    while stack:
        current, where = stack.pop()
        lines.setdefault(where, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                child = (*where, key)
                lines[child] = key_node.start_mark.line + 1
                stack.append((value_node, child))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                stack.append((item, (*where, index)))


def _line_for(path: Iterable[Any], lines: Mapping[tuple[Any, ...], int]) -> int:
    parts = tuple(path)
    for depth in range(len(parts), -1, -1):
        if parts[:depth] in lines:
            return lines[parts[:depth]]
    return 1


def _dates_to_strings(value: Any) -> Any:
    """YAML 1.1 reads 2025-08-02 as a date; the schema checks ISO strings, so turn dates back into text."""
    if isinstance(value, dict):
        return {key: _dates_to_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_to_strings(item) for item in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    policy_schema = schema("policy")
    registry = Registry().with_resource(policy_schema["$id"], Resource.from_contents(policy_schema))
    return Draft202012Validator(policy_schema, registry=registry)


def _validate(data: dict[str, Any], lines: Mapping[tuple[Any, ...], int], name: str) -> None:
    errors = sorted(
        _validator().iter_errors(data), key=lambda e: (_line_for(_error_path(e), lines), e.message)
    )
    if not errors:
        return
    messages: list[str] = []
    missing: dict[tuple[Any, ...], list[str]] = {}
    for error in errors:
        if error.validator == "required" and isinstance(error.instance, dict):
            absent = [key for key in error.validator_value if key not in error.instance]
            missing.setdefault(tuple(error.absolute_path), []).extend(absent)
            continue
        messages.append(f"{name}:{_line_for(_error_path(error), lines)}: {_explain(error)}")
    for path, keys in missing.items():
        where = _where(path)
        messages.append(f"{name}:{_line_for(path, lines)}: {where}: missing {', '.join(sorted(set(keys)))}")
    more = f" (and {len(messages) - 5} more)" if len(messages) > 5 else ""
    raise PolicyError("; ".join(messages[:5]) + more)


def _where(path: tuple[Any, ...]) -> str:
    """`thresholds[0].value`, written as lint messages write metadata paths."""
    from cardlint.card.validation import dotted

    return dotted(path) if path else "top level"


def _error_path(error: Any) -> tuple[Any, ...]:
    """The path of the offending value; for an unexpected key, the key itself rather than its mapping."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set((error.schema or {}).get("properties", {}))
        extra = [key for key in error.instance if key not in known]
        if extra:
            return (*path, extra[0])
    return path


def _explain(error: Any) -> str:
    where = _where(tuple(error.absolute_path))
    if (
        error.validator == "type"
        and isinstance(error.instance, str)
        and re.fullmatch(r"[-+]?\d+(\.\d*)?[eE]\d+", error.instance.strip())
    ):
        return f"{where}: {error.instance!r} is text in YAML 1.1; write the exponent with a sign (1.0e+25)"
    if error.validator == "additionalProperties":
        return f"{where}: {error.message}"
    if error.validator == "oneOf":
        return f"{where}: give exactly one of 'finder' or 'find'"
    return f"{where}: {error.message}"


def _check_references(
    data: dict[str, Any], lines: Mapping[tuple[Any, ...], int], name: str, finders: Mapping[str, Finder]
) -> None:
    """What the schema cannot say: ids referred to must exist and regexes must compile."""
    problems: list[str] = []
    source_ids = {s["id"] for s in data.get("sources", [])}
    obligation_ids = {o["id"] for o in data.get("obligations", [])}
    threshold_ids = {t["id"] for t in data.get("thresholds", [])}

    def problem(path: tuple[Any, ...], message: str) -> None:
        problems.append(f"{name}:{_line_for(path, lines)}: {message}")

    for index, threshold in enumerate(data.get("thresholds", [])):
        base = ("thresholds", index)
        for source in threshold.get("sources", []):
            if source not in source_ids:
                problem((*base, "sources"), f"threshold '{threshold['id']}' cites unknown source '{source}'")
        for obligation in threshold.get("obligations", []):
            if obligation not in obligation_ids:
                problem(
                    (*base, "obligations"),
                    f"threshold '{threshold['id']}' names unknown obligation '{obligation}'",
                )
        via = threshold.get("inherits_via")
        if via is not None and via not in threshold_ids:
            problem((*base, "inherits_via"), f"inherits_via names unknown threshold '{via}'")
    for index, group in enumerate(data.get("disclosure", [])):
        for trigger in group.get("when", []):
            if trigger != "always" and trigger not in threshold_ids:
                problem(
                    ("disclosure", index, "when"),
                    f"group '{group['group']}' is triggered by unknown threshold '{trigger}'",
                )
        for position, item in enumerate(group.get("fields", [])):
            where = ("disclosure", index, "fields", position)
            if "finder" in item and item["finder"] not in finders:
                problem(where, f"field '{item['id']}' uses unknown finder '{item['finder']}'")
            for pattern in _find_patterns(item.get("find") or {}):
                try:
                    compile_pattern(pattern)
                except re.error as exc:
                    problem(where, f"field '{item['id']}' has an invalid regex {pattern!r}: {exc}")
    for index, variant in enumerate(data.get("variants", [])):
        for target in variant.get("add_conditions", {}):
            if target not in threshold_ids:
                problem(
                    ("variants", index), f"variant '{variant['id']}' changes unknown threshold '{target}'"
                )
    if problems:
        raise PolicyError("; ".join(problems))


def _finder(name: str, spec: Mapping[str, Any]) -> Finder:
    place = spec.get("place") or {}
    return Finder(
        name=name,
        facts=tuple(spec.get("facts", ())),
        metadata=tuple(spec.get("metadata", ())),
        labels=tuple(spec.get("labels", ())),
        sections=tuple(spec.get("sections", ())),
        text=tuple(spec.get("text", ())),
        tags=tuple(spec.get("tags", ())),
        code=tuple(spec.get("code", ())),
        not_under=tuple(spec.get("not_under", ())),
        partial=tuple(_partial_form(form) for form in spec.get("partial", ())),
        place_section=place.get("section"),
        place_pattern=place.get("pattern"),
        place_metadata=place.get("metadata"),
    )


def _find_patterns(spec: Mapping[str, Any]) -> list[str]:
    """The regexes of an inline finder, its partial forms' included."""
    patterns = [*spec.get("sections", []), *spec.get("text", [])]
    for form in spec.get("partial", []):
        patterns += [*form.get("text", []), *form.get("code", []), *form.get("values", [])]
    return patterns


def _partial_form(spec: Mapping[str, Any]) -> PartialForm:
    return PartialForm(
        says=spec["says"],
        add=spec["add"],
        text=tuple(spec.get("text", ())),
        code=tuple(spec.get("code", ())),
        values=tuple(spec.get("values", ())),
    )


def _condition(spec: Mapping[str, Any]) -> Condition:
    value = spec.get("value")
    return Condition(
        spec["kind"], spec["description"], spec.get("comparator"), float(value) if value else None
    )


def _build_policy(data: dict[str, Any], path: str, finders: Mapping[str, Finder]) -> Policy:
    thresholds = []
    for spec in data.get("thresholds", []):
        relative = spec.get("relative_to_base") or {}
        thresholds.append(
            Threshold(
                id=spec["id"],
                ref=spec["ref"],
                label=spec["label"],
                value=float(spec["value"]),
                unit=spec["unit"],
                comparator=spec["comparator"],
                sources=tuple(spec["sources"]),
                subject=spec.get("subject", "model"),
                indicative=bool(spec.get("indicative", False)),
                basis=spec.get("basis", "training"),
                upstream_base_model=spec.get("upstream_base_model", "exclude"),
                inherits_via=spec.get("inherits_via"),
                fraction_of_base=relative.get("fraction"),
                fallbacks=tuple(
                    (fallback.get("when_base_above"), float(fallback["value"]))
                    for fallback in relative.get("fallbacks", [])
                ),
                counts={key: tuple(value) for key, value in (spec.get("counts") or {}).items()},
                planned_compute_counts=bool(spec.get("planned_compute_counts", False)),
                conditions=tuple(_condition(c) for c in spec.get("conditions", [])),
                obligations=tuple(spec.get("obligations", [])),
                confidence=spec.get("confidence"),
            )
        )
    groups = []
    for group in data.get("disclosure", []):
        fields = []
        for item in group["fields"]:
            finder = (
                finders[item["finder"]]
                if "finder" in item
                else _finder(f"{data['id']}:{item['id']}", item["find"])
            )
            fields.append(
                RequiredField(
                    id=item["id"],
                    ref=item["ref"],
                    label=item["label"],
                    finder=finder,
                    where_applicable=bool(item.get("where_applicable", False)),
                    significant_figures=(item.get("precision") or {}).get("significant_figures"),
                )
            )
        groups.append(
            DisclosureGroup(group["group"], group["title"], group["ref"], tuple(group["when"]), tuple(fields))
        )
    return Policy(
        id=data["id"],
        name=data["name"],
        short_name=data["short_name"],
        jurisdiction=data["jurisdiction"],
        kind=data["kind"],
        binding=bool(data["binding"]),
        status=data["status"],
        reviewed=dt.date.fromisoformat(data["reviewed"]),
        dates={key: dt.date.fromisoformat(value) for key, value in (data.get("dates") or {}).items()},
        summary=" ".join(str(data["summary"]).split()),
        thresholds=tuple(thresholds),
        sources=tuple(Source(s["id"], s["title"], s.get("url")) for s in data["sources"]),
        opt_in=bool(data.get("opt_in", False)),
        notes=tuple(data.get("notes", [])),
        obligations=tuple(
            Obligation(o["id"], o["ref"], o["duty"], o.get("deadline"), o.get("deadline_days"))
            for o in data.get("obligations", [])
        ),
        disclosure=tuple(groups),
        asks=tuple(data.get("asks", [])),
        variants=tuple(
            Variant(
                v["id"],
                v["description"],
                {key: tuple(_condition(c) for c in items) for key, items in v["add_conditions"].items()},
            )
            for v in data.get("variants", [])
        ),
        path=path,
    )


# ---------------------------------------------------------------- selection


def default_policies(as_of: dt.date, pool: Iterable[Policy] | None = None) -> list[Policy]:
    """Binding and advisory profiles that are in force on `as_of` and not opt-in."""
    return [
        p for p in (pool if pool is not None else all_policies()) if not p.opt_in and p.in_force_on(as_of)
    ]


def with_variant(policy: Policy, variant_id: str) -> Policy:
    """The policy with a named variant's extra conditions added to its thresholds."""
    variant = next((v for v in policy.variants if v.id == variant_id), None)
    if variant is None:
        known = ", ".join(v.id for v in policy.variants) or "none"
        raise PolicyError(f"policy '{policy.id}' has no variant '{variant_id}' (variants: {known})")
    thresholds = tuple(
        replace(t, conditions=t.conditions + variant.add_conditions.get(t.id, ())) for t in policy.thresholds
    )
    return replace(policy, thresholds=thresholds, variant=variant_id)


def select_policies(ids: list[str] | None, files: list[str], as_of: dt.date) -> list[Policy]:
    """The policies a run applies.

    With neither ids nor files: every non-opt-in policy in force on `as_of`. Otherwise exactly the named ids
    (`default` adds the default set, `all` every built-in; `ID@VARIANT` applies a variant) plus every file;
    a file whose id matches a built-in replaces it. Named instruments apply whatever their status, so a
    revoked order can be judged historically; the checks use `Policy.in_force` to set severities.
    """
    user = [load_policy_file(path) for path in files]
    pool = {p.id: p for p in all_policies()}
    pool.update({p.id: p for p in user})
    chosen: dict[str, Policy] = {}
    if ids is None and not files:
        for policy in default_policies(as_of, pool.values()):
            chosen[policy.key] = policy
    for raw in ids or []:
        selector = raw.strip()
        if not selector:
            continue
        if selector.lower() == DEFAULT_SELECTOR:
            for policy in default_policies(as_of, pool.values()):
                chosen.setdefault(policy.key, policy)
            continue
        if selector.lower() == ALL_SELECTOR:
            for policy in pool.values():
                chosen.setdefault(policy.key, policy)
            continue
        policy_id, _, variant = selector.partition("@")
        named = pool.get(policy_id)
        if named is None:
            known = ", ".join(sorted(pool))
            raise PolicyError(f"unknown policy '{policy_id}' (known: {known}; or 'default', 'all')")
        if variant:
            named = with_variant(named, variant)
        chosen[named.key] = named
    for policy in user:
        chosen.setdefault(policy.key, policy)
    return [replace(policy, as_of=as_of) for policy in sorted(chosen.values(), key=lambda p: p.key)]
