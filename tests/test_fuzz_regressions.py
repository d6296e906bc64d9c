"""Every input the coverage-guided campaign (fuzz/run.py) found to crash or stall cardlint, minimised and
rewritten by hand, run through the same harness the fuzzer drives (`fuzz/harness.py`).

Campaign log: see the note in fuzz/README.md. Add one test per distinct crash signature.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_harness", ROOT / "fuzz" / "harness.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HARNESS = _harness()


@pytest.mark.parametrize("character", [b"\x06", b"\x1b", b"\x7f", b"\xef\xbf\xbe"])
def test_control_character_in_front_matter(character: bytes) -> None:
    """Crash 1 (ReaderError@card.py): PyYAML's reader refuses control characters while the loader is built,
    outside the try that turned YAML errors into findings."""
    HARNESS.check_bytes(b"---\nlicense: mit\ntags:\n- a" + character + b"b\n---\n# Model\n\nText.\n")


def test_unclosed_quote_followed_by_many_lines_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slow unit 1 (1.3 s for 43 kB): after a syntax error every shorter prefix was salvaged again.
    Counted, not timed: the front matter is loaded at most twice however many lines follow the error."""
    import cardlint.card.document as card_module
    import cardlint.card.yaml_nodes as yaml_module

    loads = 0
    original = yaml_module._load_front_matter

    def counting(*args: object, **kwargs: object) -> None:
        nonlocal loads
        loads += 1
        original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(card_module, "_load_front_matter", counting)  # the first load
    monkeypatch.setattr(yaml_module, "_load_front_matter", counting)  # a salvage
    lines = b"".join(b"- item %d\n" % i for i in range(2000))
    HARNESS.check_bytes(b'---\ntags:\n- "unclosed\n' + lines + b"---\n# Model\n")
    assert loads <= 2


@pytest.mark.parametrize(
    "html",
    [
        b"<table><tr><td>1B<table><tr><td>x</td></tr></table></td></tr></table>\n",
        b"<table><td>a<table><tr>\n",
        b"<table><td>a<table></table>\n",
        b"<table><th>7B parameters<table><td>2T tokens</td></table> 1024 GPUs</th></table>\n",
    ],
)
def test_nested_html_table_inside_an_open_cell(html: bytes) -> None:
    """Crash 2 (IndexError@tables.py, after 30 minutes): a <table> opened inside a cell closed that cell
    into the new table, which had no row yet."""
    HARNESS.check_bytes(b"---\nlicense: mit\n---\n# Model\n\n" + html)


def test_nested_html_table_keeps_the_outer_cell() -> None:
    from cardlint.card.document import parse_card
    from cardlint.extract.layout import Layout
    from cardlint.extract.table_grid import html_tables

    card = parse_card("# M\n\n<table><tr><td>outer<table><tr><td>inner</td></tr></table></td></tr></table>\n")
    grids = [[cell.text for row in table.rows for cell in row] for table in html_tables(card, Layout(card))]
    assert sorted(grids) == [["inner"], ["outer"]]


def test_harness_runs_every_rule_and_every_policy() -> None:
    environment = HARNESS.environment()
    assert environment.settings.select == ("ALL",)
    assert len(environment.policies) >= 5
    started = time.process_time()
    HARNESS.check_bytes(b"---\nlicense: mit\n---\n# M\n\nTrained on 2T tokens with 1024 H100 GPUs.\n")
    assert time.process_time() - started < 30


ZERO_GPU_HOURS = (
    b"# M\n\nM has 7B parameters and was trained on 2T tokens on A100 GPUs.\n\n"
    b"| Stage | Time (GPU hours) |\n|---|---|\n| pretraining | 0 |\n"
)


def test_a_zero_in_a_gpu_hours_column_is_no_estimate(tmp_path: Path) -> None:
    """Crash 4 (ValueError@combine.py, campaign of 2026-12-02): a "0" under "GPU hours" made the hardware
    method 0 FLOP, and weighing it against the architecture method took the logarithm of zero."""
    from hostile_support import cardlint

    HARNESS.check_bytes(ZERO_GPU_HOURS)
    (tmp_path / "README.md").write_bytes(ZERO_GPU_HOURS)
    run = cardlint("estimate", "README.md", "--isolated", "--as-of", "2026-06-01", cwd=tmp_path)
    assert run.code == 0 and run.error_lines == [], run
    assert "from: architecture: only the architecture method applies" in run.stdout
