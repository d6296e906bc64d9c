"""Round-trip `cardlint fix` over every real corpus card, on temporary copies (the corpus is never written).

For each card (copied to <tmp>/<model-name>/README.md, so the folder names the subject as in a checkout):
  1. fix --diff: the diff may touch only the front-matter keys the fixes name (the disclosure block, a renamed
     key, a quoted boolean, or a whole new front matter), and the Markdown body must be byte-identical;
  2. the fix is applied to the copy; a second run must change nothing (idempotence);
  3. the card is linted before and after: the findings the fixes answer must be gone, and any finding that
     appears only afterwards is counted by code.
Skips cleanly without ../shared.

    .venv/bin/python bench/fix_corpus.py [--unsafe-fixes] [--show NAME ...]
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus_cards

from cardlint.card.document import parse_card
from cardlint.fix.apply import FixResult, apply_fixes
from cardlint.fix.disclosure import DISCLOSURE_KEY

# The rule each fix answers (the finding that must be gone afterwards), by the fix's rule name.
ANSWERS = {
    "misspelt-key": "CL119",
    "yaml11-boolean": "CL109",
    "yaml11-number": "CL110",
    "yaml11-timestamp": "CL111",
    "no-front-matter": "CL104",
    "base-model-undeclared": "CL207",
}


def model_folder(card: Path) -> str:
    """`org__name.md` (or `org__name__variant.md`) -> `name`, the folder a Hub checkout would have."""
    parts = card.stem.split("__")
    return parts[1] if len(parts) > 1 else parts[0]


def lint(path: Path) -> collections.Counter[str]:
    from cardlint.config.settings import Settings
    from cardlint.pipeline.analysis import Environment, analyse
    from cardlint.policy.loading import select_policies
    from cardlint.sources.local import read_card_file

    settings = Settings()
    environment = _ENVIRONMENTS.get("default")
    if environment is None:
        environment = Environment(settings=settings, policies=select_policies(None, [], settings.as_of))
        _ENVIRONMENTS["default"] = environment
    report = analyse(read_card_file(path, settings.limits, display=str(path)), environment)
    return collections.Counter(finding.code for finding in report.findings)


_ENVIRONMENTS: dict[str, Any] = {}


def allowed_keys(result: FixResult) -> set[str]:
    keys = {
        DISCLOSURE_KEY,
        *(["base_model"] if any(f.rule == "base-model-undeclared" for f in result.fixes) else []),
    }
    for fix in result.fixes:
        if fix.rule == "misspelt-key":
            keys.update(part.strip("`") for part in fix.message.split()[1:4:2])
        elif fix.rule.startswith("yaml11-"):
            keys.add(fix.message.rsplit("`", 2)[-2].split(".")[0])
    return keys


def front_matter_violations(old: str, new: str, result: FixResult) -> list[str]:
    """What changed that no fix names: other keys' values, the body, or (for a new front matter) the card."""
    problems = []
    before, after = parse_card(old), parse_card(new)
    if any(fix.rule == "no-front-matter" for fix in result.fixes):
        if not new.endswith(old):
            problems.append("the card below the new front matter changed")
        return problems
    if after.body != before.body:
        problems.append("body changed")
    allowed = allowed_keys(result)
    changed = {
        key
        for key in set(before.metadata) | set(after.metadata)
        if before.metadata.get(key) != after.metadata.get(key)
    }
    if changed - allowed:
        problems.append(f"keys changed without a fix: {sorted(map(str, changed - allowed))}")
    old_lines, new_lines = old.split("\n"), new.split("\n")
    fm_end = before.front_matter.end_line if before.front_matter and before.front_matter.end_line else 0
    kept = set(new_lines)
    lost = [line for line in old_lines[:fm_end] if line not in kept]
    touched = sum(1 for fix in result.fixes if fix.rule != "compute-disclosure")
    if len(lost) > touched:
        problems.append(f"{len(lost)} front-matter lines rewritten for {touched} token fixes")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unsafe-fixes", action="store_true")
    parser.add_argument("--show", nargs="*", default=[], help="print the diff of these cards (file stems)")
    parser.add_argument("--no-lint", action="store_true", help="skip the before/after lint (faster)")
    options = parser.parse_args()
    cards = corpus_cards()
    counts: collections.Counter[str] = collections.Counter()
    fixes_by_rule: collections.Counter[str] = collections.Counter()
    held_back: collections.Counter[str] = collections.Counter()
    appeared: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    details: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        for card in cards:
            folder = Path(scratch) / card.stem / model_folder(card)
            folder.mkdir(parents=True)
            copy = folder / "README.md"
            original = card.read_bytes()
            copy.write_bytes(original)
            counts["cards"] += 1
            preview = apply_fixes(copy, unsafe=options.unsafe_fixes, diff_only=True)
            held_back.update(fix.rule for fix in preview.held_back)
            if copy.read_bytes() != original:
                failures.append(f"{card.name}: --diff wrote the file")
            if preview.error or preview.skipped:
                counts["skipped"] += 1
                continue
            if not preview.changed:
                counts["unchanged"] += 1
                continue
            counts["changed"] += 1
            fixes_by_rule.update(fix.rule for fix in preview.fixes)
            if card.stem in options.show:
                print(preview.diff)
            before_lint = None if options.no_lint else lint(copy)
            applied = apply_fixes(copy, unsafe=options.unsafe_fixes, diff_only=False)
            old_text, new_text = original.decode("utf-8-sig"), copy.read_bytes().decode("utf-8-sig")
            if not applied.written or new_text.encode() == old_text.encode():
                failures.append(f"{card.name}: not written ({applied.error})")
                continue
            for problem in front_matter_violations(old_text, new_text, applied):
                failures.append(f"{card.name}: {problem}")
            again = apply_fixes(copy, unsafe=options.unsafe_fixes, diff_only=True)
            if again.changed:
                failures.append(f"{card.name}: not idempotent: {[fix.message for fix in again.fixes]}")
            else:
                counts["idempotent"] += 1
            if before_lint is not None:
                after_lint = lint(copy)
                for fix in applied.fixes:
                    code = ANSWERS.get(fix.rule)
                    if code and before_lint[code] and after_lint[code] >= before_lint[code]:
                        failures.append(f"{card.name}: {code} still reported after `{fix.message}`")
                for code, number in (after_lint - before_lint).items():
                    appeared[code] += number
                    details.append(f"{card.name}: +{number} {code}")
    elapsed = time.perf_counter() - started
    print(
        f"cards {counts['cards']}, changed {counts['changed']}, unchanged {counts['unchanged']}, "
        f"skipped {counts['skipped']}, idempotent {counts['idempotent']}/{counts['changed']}, {elapsed:.1f} s"
    )
    print("fixes applied: " + ", ".join(f"{rule} {n}" for rule, n in sorted(fixes_by_rule.items())))
    print(
        "held back (unsafe): " + (", ".join(f"{rule} {n}" for rule, n in sorted(held_back.items())) or "none")
    )
    if not options.no_lint:
        print(
            "findings that appeared after fixing: "
            + (", ".join(f"{c} {n}" for c, n in sorted(appeared.items())) or "none")
        )
    for line in details:
        print(f"  {line}")
    print(f"violations: {len(failures)}")
    for line in failures:
        print(f"  {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
