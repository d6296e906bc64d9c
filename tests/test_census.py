"""`cardlint census` on a 2-worker LocalCluster: results and summary against the pipeline run card by card,
resume, failing cards, the README inputs, the CLI, and the report rendered in headless Chromium."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import tarfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

dask = pytest.importorskip(
    "dask", reason="census tests need the census extra: pip install 'cardlint[census]'"
)
pytest.importorskip(
    "distributed", reason="census tests need the census extra: pip install 'cardlint[census]'"
)
pa = pytest.importorskip(
    "pyarrow", reason="census tests need the census extra: pip install 'cardlint[census]'"
)
pytest.importorskip("matplotlib", reason="census tests need the census extra: pip install 'cardlint[census]'")

import pyarrow.parquet as pq  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from cardlint.census.engine import CensusError, CensusOptions, census, environment_for, result_path  # noqa: E402
from cardlint.census.rows import FIGURES, loaded_target, partition_rows, result_schema  # noqa: E402
from cardlint.census.summary import read_results  # noqa: E402
from cardlint.cli import cli  # noqa: E402
from cardlint.pipeline.analysis import analyse  # noqa: E402
from cardlint.report.json import estimate_to_dict, finding_to_dict, threshold_to_dict  # noqa: E402

CARDS = Path(__file__).parent / "cards" / "census"
AS_OF = dt.date(2026, 1, 15)
SPEC = {"as_of": AS_OF.isoformat(), "policies": None}
EVIL_ID = "evil/<script>alert(1)</script>"


@pytest.fixture(scope="module")
def client() -> Any:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
        ) as cluster,
        Client(cluster) as active,
    ):
        yield active


def card_texts() -> dict[str, bytes]:
    return {path.stem: path.read_bytes() for path in sorted(CARDS.glob("*.md"))}


def dump_rows() -> list[dict[str, Any]]:
    """Each card under three repo ids, a row without text, and an id made to break HTML."""
    rows = []
    for copy in range(3):
        for name, raw in card_texts().items():
            tag = "text-generation" if name in ("frontier", "mid") else None
            rows.append(
                {
                    "modelId": f"org{copy}/{name}",
                    "card": raw.decode("utf-8"),
                    "pipeline_tag": tag,
                    "downloads": 10 * copy,
                    "lastModified": "2024-05-01T00:00:00Z",
                }
            )
    rows.append(
        {"modelId": "org0/no-text", "card": None, "pipeline_tag": None, "downloads": 0, "lastModified": None}
    )
    rows.append(
        {
            "modelId": EVIL_ID,
            "card": card_texts()["frontier"].decode("utf-8"),
            "pipeline_tag": None,
            "downloads": 1,
            "lastModified": None,
        }
    )
    return rows


def write_dump(folder: Path) -> list[dict[str, Any]]:
    """Two Parquet files with small row groups, so partitions cross row-group and file boundaries."""
    rows = dump_rows()
    folder.mkdir(parents=True)
    half = len(rows) // 2
    pq.write_table(pa.Table.from_pylist(rows[:half]), folder / "a.parquet", row_group_size=3)
    pq.write_table(pa.Table.from_pylist(rows[half:]), folder / "b.parquet", row_group_size=5)
    return rows


def options(tmp_path: Path, source: Path, **extra: Any) -> CensusOptions:
    return CensusOptions(input=source, output=tmp_path / "out", partition_size=4, as_of=AS_OF, **extra)


def expected_report(card_id: str, raw: bytes) -> Any:
    return analyse(loaded_target(card_id, raw), environment_for(SPEC))


# ---------------------------------------------------------------- results against the pipeline


def test_results_and_summary_match_the_pipeline_card_by_card(tmp_path: Path, client: Any) -> None:
    rows = write_dump(tmp_path / "dump")
    summary, run = census(options(tmp_path, tmp_path / "dump"), client=client)

    assert run.partitions == 6 and run.skipped == 0 and not run.failed_partitions
    assert len(list((tmp_path / "out" / "results").glob("part-*.parquet"))) == 6
    results = {row["id"]: row for row in read_results(tmp_path / "out" / "results")}
    assert list(results) == [row["modelId"] for row in rows]  # every card once, in input order

    reports = {}
    for row in rows:
        result = results[row["modelId"]]
        if row["card"] is None:
            assert result["error"] and "no card text" in result["error"]
            continue
        report = expected_report(row["modelId"], row["card"].encode("utf-8"))
        reports[row["modelId"]] = report
        assert result["error"] is None
        assert json.loads(result["findings"]) == [finding_to_dict(f) for f in report.findings]
        assert sorted(result["finding_codes"]) == sorted({f.code for f in report.findings})
        assert json.loads(result["estimate"]) == json.loads(json.dumps(estimate_to_dict(report.estimate)))
        assert json.loads(result["thresholds"]) == [threshold_to_dict(s) for s in report.thresholds]
        assert result["threshold_status"] == [
            f"{s.policy}/{s.threshold_id}/{s.basis}={s.status}" for s in report.thresholds
        ]
        assert result["fact_kinds"] == sorted({fact.kind for fact in report.facts})
        interval = report.estimate.training_flop if report.estimate else None
        assert result["flop_central"] == (interval.central if interval else None)
        own = {fact.kind for fact in report.facts if fact.subject is None and not fact.derived}
        for figure, kinds in FIGURES.items():
            assert result[f"discloses_{figure}"] == bool(own & set(kinds))
        assert result["downloads"] == row["downloads"]
        assert result["last_modified"] == row["lastModified"]
    # the pipeline tag comes from the column when given, else from the card's front matter
    assert results["org1/frontier"]["pipeline_tag"] == "text-generation"
    assert results["org1/small"]["pipeline_tag"] == "fill-mask"

    assert summary["cards"] == len(rows) and summary["failed"] == 1 and summary["analysed"] == len(reports)
    assert summary["failures"][0]["id"] == "org0/no-text"
    overall = summary["disclosure"]["overall"]
    for figure, kinds in FIGURES.items():
        expected = sum(
            1
            for r in reports.values()
            if {f.kind for f in r.facts if f.subject is None and not f.derived} & set(kinds)
        )
        assert overall["counts"][figure] == expected
    assert summary["disclosure"]["by_pipeline_tag"]["text-generation"]["cards"] == 7  # six + the odd id
    estimated = [r for r in reports.values() if r.estimate and r.estimate.training_flop]
    assert summary["estimates"]["cards_with_estimate"] == len(estimated)
    assert sum(summary["estimates"]["histogram"]["central"]) == len(estimated)

    statuses: Counter[tuple[str, str, str, str]] = Counter(
        (s.policy, s.threshold_id, s.basis, s.status) for r in reports.values() for s in r.thresholds
    )
    by_key = {(t["policy"], t["threshold"]): t for t in summary["thresholds"]}
    for (policy, threshold, basis, status), count in statuses.items():
        assert by_key[(policy, threshold)]["counts"][basis][status] == count
    centrals = sorted(r.estimate.training_flop.central for r in estimated)  # type: ignore[union-attr]
    eu = by_key[("eu-ai-act", "systemic-risk")]
    assert eu["percentile"] == sum(1 for c in centrals if c < 1e25) / len(centrals)
    assert eu["counts"]["training"]["above"] == 4  # the frontier card, three copies and the odd id

    largest = summary["largest"][0]
    assert largest["id"].endswith("frontier") and largest["flop"]["central"] == pytest.approx(7.2e25)
    assert {item["kind"] for item in largest["evidence"]} >= {"training_flop"}
    assert all(item["quote"] for item in largest["evidence"])


def test_readme_folder_matches_cardlint_check_and_estimate(tmp_path: Path, client: Any) -> None:
    folder = tmp_path / "cards"
    for name, raw in card_texts().items():
        (folder / name).mkdir(parents=True)
        (folder / name / "README.md").write_bytes(raw)
    census(options(tmp_path, folder), client=client)
    results = {row["id"]: row for row in read_results(tmp_path / "out" / "results")}
    assert sorted(results) == sorted(card_texts())

    runner = CliRunner()
    checked = runner.invoke(
        cli,
        [
            "check",
            "--format",
            "json",
            "--exit-zero",
            "--isolated",
            "--as-of",
            AS_OF.isoformat(),
            "-r",
            str(folder),
        ],
    )
    estimated = runner.invoke(
        cli, ["estimate", "--format", "json", "--isolated", "--as-of", AS_OF.isoformat(), "-r", str(folder)]
    )
    assert checked.exit_code == 0 and estimated.exit_code == 0, checked.output + estimated.output
    for check_result, estimate_result in zip(
        json.loads(checked.stdout)["results"], json.loads(estimated.stdout)["results"], strict=True
    ):
        row = results[Path(check_result["path"]).parent.name]
        assert sorted({f["code"] for f in check_result["findings"]}) == row["finding_codes"]
        assert [(f["code"], f["line"], f["message"]) for f in check_result["findings"]] == [
            (f["code"], f["line"], f["message"]) for f in json.loads(row["findings"])
        ]
        assert estimate_result["estimate"] == json.loads(row["estimate"])
        assert estimate_result["thresholds"] == json.loads(row["thresholds"])


def test_a_tarball_of_readmes_through_the_command_on_an_existing_scheduler(
    tmp_path: Path, client: Any
) -> None:
    archive = tmp_path / "cards.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, raw in card_texts().items():
            info = tarfile.TarInfo(f"dump/{name}/README.md")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    result = CliRunner().invoke(
        cli,
        [
            "census",
            str(archive),
            "--output",
            str(tmp_path / "out"),
            "--scheduler",
            client.scheduler.address,
            "--partition-size",
            "3",
            "--as-of",
            AS_OF.isoformat(),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["cards"] == len(card_texts()) and summary["partitions"] == {"planned": 3, "written": 3}
    assert sorted(row["id"] for row in read_results(tmp_path / "out" / "results")) == [
        f"dump/{name}" for name in sorted(card_texts())
    ]


# ---------------------------------------------------------------- resume and robustness


def test_a_stopped_run_resumes_where_it_left_off(tmp_path: Path, client: Any) -> None:
    write_dump(tmp_path / "dump")
    first, _ = census(options(tmp_path, tmp_path / "dump"), client=client)
    results = tmp_path / "out" / "results"
    kept = {path.name: path.stat().st_mtime_ns for path in results.glob("part-*.parquet")}
    # a run stopped after four partitions, one of them killed mid-write
    for index in (4, 5):
        result_path(results, index).unlink()
        del kept[f"part-{index:05d}.parquet"]
    stale = results / ".part-00004.parquet.deadbeef.tmp"
    stale.write_bytes(b"half a file")

    second, run = census(options(tmp_path, tmp_path / "dump"), client=client)
    assert run.skipped == 4 and len(run.outcomes) == 2 and not stale.exists()
    assert {p.name: p.stat().st_mtime_ns for p in results.glob("part-*.parquet") if p.name in kept} == kept
    assert second == first

    # the same folder with other options is refused rather than mixed
    with pytest.raises(CensusError, match="partition_size"):
        census(
            CensusOptions(input=tmp_path / "dump", output=tmp_path / "out", partition_size=7), client=client
        )


def test_a_failed_task_is_reported_the_others_are_written_and_a_rerun_retries_it(
    tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cardlint.census import engine

    write_dump(tmp_path / "dump")
    real_prepare = engine.prepare

    def input_lost_after_planning(given: CensusOptions) -> dict[str, Any]:
        manifest = real_prepare(given)
        manifest["partitions"][2]["path"] = str(tmp_path / "gone.parquet")
        return manifest

    monkeypatch.setattr(engine, "prepare", input_lost_after_planning)
    summary, run = census(options(tmp_path, tmp_path / "dump"), client=client)
    assert list(run.failed_partitions) == [2] and "gone.parquet" in run.failed_partitions[2]
    assert len(run.outcomes) == 5 and summary["partitions"] == {"planned": 6, "written": 5}

    monkeypatch.undo()
    summary, rerun = census(options(tmp_path, tmp_path / "dump"), client=client)
    assert rerun.skipped == 5 and [outcome.index for outcome in rerun.outcomes] == [2]
    assert summary["partitions"] == {"planned": 6, "written": 6} and not rerun.failed_partitions


def test_a_card_that_breaks_the_pipeline_is_a_row_with_its_error(tmp_path: Path) -> None:
    def fragile(loaded: Any, env: Any) -> Any:
        if "mid" in loaded.target:
            raise RecursionError("maximum recursion depth exceeded")
        return analyse(loaded, env)

    records = [{"id": f"org/{name}", "raw": raw} for name, raw in card_texts().items()]
    rows = partition_rows(records, environment_for(SPEC), analyser=fragile)
    failed = [row for row in rows if row["error"]]
    assert [row["id"] for row in failed] == ["org/mid"]
    assert failed[0]["error"].startswith("RecursionError") and failed[0]["flop_central"] is None
    assert all(row["estimate"] is not None for row in rows if not row["error"])
    table = pa.Table.from_pylist(rows, schema=result_schema())
    assert table.num_rows == len(records)


def test_unusable_inputs_are_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "dump").mkdir()
    pq.write_table(pa.table({"name": ["a"], "body": ["b"]}), tmp_path / "dump" / "x.parquet")
    with pytest.raises(CensusError, match="--id-column"):
        census(options(tmp_path, tmp_path / "dump"))
    with pytest.raises(CensusError, match="no column 'readme'"):
        census(options(tmp_path, tmp_path / "dump", id_column="name", text_column="readme"))


# ---------------------------------------------------------------- the report


def test_report_is_self_contained_and_escapes_card_text(tmp_path: Path, client: Any) -> None:
    write_dump(tmp_path / "dump")
    census(options(tmp_path, tmp_path / "dump"), client=client)
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2
    lowered = page.lower()
    for fetches in ("<script", "<link", "<iframe", "<img", "@import"):
        assert fetches not in lowered
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", lowered)  # nothing fetched from a network
    assert not re.search(r"""url\(\s*["']?(?!#)""", lowered)  # only references inside the page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for label in ("1.00e25", "1.00e26"):
        assert label in page  # the thresholds' own table rows


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed (/usr/bin/chromium)")
def test_report_renders_in_headless_chromium(tmp_path: Path, client: Any) -> None:
    from matplotlib.image import imread

    write_dump(tmp_path / "dump")
    census(options(tmp_path, tmp_path / "dump"), client=client)
    shot = tmp_path / "report.png"
    page = (tmp_path / "out" / "report.html").resolve()
    completed = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,1600",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert shot.exists(), completed.stderr.decode(errors="replace")[-2000:]
    keep = Path(__file__).parent.parent / "bench" / "out" / "census_test_report.png"
    if keep.parent.is_dir():
        shutil.copy(shot, keep)  # for looking at during development
    pixels = imread(shot)
    assert pixels.shape[0] == 1600 and pixels.shape[1] == 1280
    plot = pixels[300:900, 100:1200, :3]
    coloured = ((plot.max(axis=2) - plot.min(axis=2)) > 0.2).mean()
    assert coloured > 0.01  # the bars and threshold lines were drawn, not an empty or broken page


def test_a_population_without_estimates_still_summarises_and_renders(tmp_path: Path) -> None:
    from cardlint.census.engine import threshold_table
    from cardlint.census.report import render_report
    from cardlint.census.summary import build_summary

    texts = card_texts()
    records = [{"id": f"org/{name}", "raw": texts[name]} for name in ("bare", "broken", "empty")]
    results = tmp_path / "results"
    results.mkdir()
    rows = partition_rows(records, environment_for(SPEC))
    pq.write_table(pa.Table.from_pylist(rows, schema=result_schema()), result_path(results, 0))
    manifest = {"partitions": [{}, {}], "thresholds": threshold_table(SPEC), "as_of": SPEC["as_of"]}
    summary = build_summary(results, manifest)
    assert summary["cards"] == 3 and summary["estimates"]["cards_with_estimate"] == 0
    assert summary["partitions"] == {"planned": 2, "written": 1}
    assert all(entry["percentile"] is None for entry in summary["thresholds"])
    assert summary["largest"] == [] and summary["estimates"]["histogram"]["central"] == []
    page = render_report(summary)
    assert "Partial: 1 of 2 partitions" in page and page.count("<svg") == 1  # the disclosure chart only


def test_without_the_extra_the_command_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the census extra were not installed
    result = CliRunner().invoke(cli, ["census", str(CARDS), "--output", str(tmp_path / "out")])
    assert result.exit_code == 2 and "cardlint[census]" in result.output
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- partitioning and ids


def test_the_automatic_partition_size_gives_every_worker_several_tasks() -> None:
    from cardlint.census.inputs import DEFAULT_PARTITION_SIZE, MIN_AUTO_PARTITION, auto_partition_size

    assert auto_partition_size(496, 2) == 62  # 8 partitions: 4 per worker
    assert auto_partition_size(496, 1) == 124
    assert auto_partition_size(10, 8) == MIN_AUTO_PARTITION  # tiny inputs are not cut into crumbs
    assert auto_partition_size(10_000_000, 2) == DEFAULT_PARTITION_SIZE  # a worker never holds more


def test_workers_get_partitions_and_the_report_explains_guessed_ids(tmp_path: Path, client: Any) -> None:
    rows = [
        {"modelId": f"org/m{index}" + (" (guessed)" if index % 10 == 0 else ""), "card": "# m\n\nA model.\n"}
        for index in range(200)
    ]
    (tmp_path / "dump").mkdir()
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "dump" / "cards.parquet")
    out = tmp_path / "out"
    arguments = ["census", str(tmp_path / "dump"), "--output-dir", str(out), "--workers", "2", "--quiet"]
    result = CliRunner().invoke(
        cli, [*arguments, "--scheduler", client.scheduler.address, "--as-of", AS_OF.isoformat()]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["partitions"]["planned"] == 8  # 200 cards, 2 workers: 4 partitions each, not 1
    assert summary["ids"] == {"from": "column modelId", "guessed": 20}
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "20 ids end in “(guessed)”" in report and "inferred from a file name" in report
