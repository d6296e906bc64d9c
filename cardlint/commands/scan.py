"""`cardlint scan`: lint many Hub repos (an organisation, a search, a file of ids) into a JSON Lines file.

Built for audits of thousands of repos: ids are streamed from the Hub listing (or the file) into a bounded
pool of worker threads (the work is waiting on the network), each result is written and flushed as soon as
it is ready, and nothing per repo is kept afterwards, so memory stays flat. Rerunning the same command
resumes: repos already in the output file are skipped. Ctrl-C stops after the line being written, so the file
is always whole lines. The summary at the end is computed by reading the output file back, so it covers
resumed runs too. One repo's record is made in scan_repo; the files (ids, output, summary) are read in
scan_output.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click

from cardlint.commands.scan_output import Record, ScanSummary, iter_records, prepare_output, read_repo_file
from cardlint.commands.scan_repo import RepoScanner, pipeline_analyser
from cardlint.report.common import plural
from cardlint.sources import SourceError

EXIT_CLEAN, EXIT_ERROR, EXIT_INTERRUPTED = 0, 2, 130


# ---------------------------------------------------------------- which repos


# ---------------------------------------------------------------- the output file


# ---------------------------------------------------------------- one repo


# ---------------------------------------------------------------- the run


@dataclass
class ScanOutcome:
    written: int = 0
    errors: int = 0
    skipped: int = 0
    interrupted: bool = False
    listing_error: str | None = None


class Progress:
    """tqdm's bar on stderr (drawn only when stderr is a terminal), and the one writer of per-repo failure
    lines, which tqdm prints above the bar instead of through it."""

    def __init__(self, stream: IO[str], total: int | None, enabled: bool) -> None:
        from tqdm import tqdm

        self.stream = stream
        self.bar = tqdm(
            total=total, desc="scan", unit="repo", file=stream, disable=not enabled, mininterval=0.1
        )

    def update(self, outcome: ScanOutcome, force: bool = False) -> None:
        self.bar.set_postfix(errors=outcome.errors, resumed=outcome.skipped, refresh=False)
        self.bar.update(outcome.written + outcome.skipped - self.bar.n)
        if force:
            self.bar.refresh()

    def failure(self, message: str) -> None:
        self.bar.write(f"cardlint: {message}", file=self.stream)

    def close(self) -> None:
        self.bar.close()


def run_scan(
    targets: Iterable[str],
    scanner: Callable[[str], Record],
    out: IO[str],
    *,
    jobs: int = 1,
    done: set[str] | None = None,
    progress: Progress | None = None,
) -> ScanOutcome:
    """Scan every target not in `done` with `jobs` threads, writing one flushed line per repo as it finishes.

    At most 2 × jobs repos are in flight, so a listing of a million ids is consumed lazily. Ctrl-C cancels
    what has not started and returns with `interrupted` set; every line written is complete.
    """
    outcome = ScanOutcome()
    done = done or set()
    pending: set[Future[Record]] = set()
    executor = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="cardlint-scan")

    def drain(block_until_below: int) -> None:
        nonlocal pending
        while len(pending) > block_until_below:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                record = future.result()
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str) + "\n")
                out.flush()
                outcome.written += 1
                failed = record.get("status") != "ok"
                outcome.errors += failed
                if progress:
                    if failed:
                        progress.failure(str(record.get("error") or f"{record.get('target')}: failed"))
                    progress.update(outcome)

    seen: set[str] = set()
    try:
        for target in targets:
            if target in done:
                outcome.skipped += 1
                continue
            if target in seen:
                continue
            seen.add(target)
            drain(2 * jobs - 1)
            pending.add(executor.submit(scanner, target))
        drain(0)
    except KeyboardInterrupt:
        outcome.interrupted = True
    except SourceError as exc:  # the listing itself failed; what was scanned so far is kept
        outcome.listing_error = str(exc)
        try:
            drain(0)
        except KeyboardInterrupt:
            outcome.interrupted = True
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=not outcome.interrupted, cancel_futures=True)
        if progress:
            progress.update(outcome, force=True)
            progress.close()
    return outcome


# ---------------------------------------------------------------- the summary


# ---------------------------------------------------------------- the command


@click.command("scan")
@click.argument("repos", nargs=-1)
@click.option("--author", help="Every model of this user or organisation.")
@click.option("--search", help="Models whose id contains this text.")
@click.option("--filter", "filters", multiple=True, help="Only models with this tag (repeatable).")
@click.option("--limit", type=click.IntRange(1), help="At most this many repos from the listing.")
@click.option("--repos-file", type=click.Path(dir_okay=False, allow_dash=True), help="Repo ids, one a line.")
@click.option(
    "--jobs", "-j", type=click.IntRange(1, 64), default=4, show_default=True, help="Concurrent repos."
)
@click.option(
    "--output-file",
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False),
    help="JSON Lines file (appended; resumes).",
)
@click.option("--lineage/--no-lineage", default=True, show_default=True, help="Also read base models' cards.")
@click.option(
    "--config-json/--no-config-json",
    "with_config",
    default=True,
    show_default=True,
    help="Read config.json (MoE expert counts, attention term); skipping it saves two requests per repo.",
)
@click.option(
    "--offline", is_flag=True, help="Use only huggingface_hub's cache (needs --repos-file or REPOS)."
)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file.")
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option("--policy", "policy_ids", multiple=True, help="Policy id to apply (repeatable).")
@click.option(
    "--as-of",
    "as_of",
    help="Judge policies in force on this date (YYYY-MM-DD; default: config `as-of`, or today).",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary table.")
def scan(
    repos: tuple[str, ...],
    author: str | None,
    search: str | None,
    filters: tuple[str, ...],
    limit: int | None,
    repos_file: str | None,
    jobs: int,
    output: str | None,
    lineage: bool,
    with_config: bool,
    offline: bool,
    config_path: str | None,
    isolated: bool,
    policy_ids: tuple[str, ...],
    as_of: str | None,
    quiet: bool,
) -> None:
    """Lint many Hub repos: REPOS, --repos-file, or a listing (--author/--search/--filter, --limit).

    One JSON object per repo (facts, estimate, threshold standing, finding counts) is appended to
    --output-file as soon as it is ready; rerunning skips repos already there. Exit 0 when every repo was
    read, 2 when some could not be (each has an error record), 130 when interrupted.
    """
    from cardlint.app.session import CommandLine, UsageFailure, settings_for

    listing = bool(author or search or filters)
    if not (repos or repos_file or listing):
        raise click.UsageError("name repos, give --repos-file, or list with --author/--search/--filter")
    if offline:
        os.environ["HF_HUB_OFFLINE"] = "1"
    overrides: dict[str, Any] = {"policies": tuple(policy_ids)} if policy_ids else {}
    if as_of:
        import datetime as dt

        try:
            overrides |= {"as_of": dt.date.fromisoformat(as_of), "as_of_pinned": True}
        except ValueError:
            raise click.BadParameter(
                f"'{as_of}' is not a date like 2025-08-02", param_hint="--as-of"
            ) from None
    command_line = CommandLine(targets=(), config_path=config_path, isolated=isolated, overrides=overrides)
    try:
        settings = settings_for(command_line, None, {})
    except UsageFailure as exc:
        raise click.UsageError(str(exc)) from None
    scanner = RepoScanner(
        analyser=pipeline_analyser(settings), offline=offline, lineage=lineage, with_config=with_config
    )
    scanner.limits = settings.limits

    targets, total = _targets(repos, repos_file, author, search, filters, limit)
    output_path = Path(output) if output else None
    done = prepare_output(output_path) if output_path else set()
    if done:
        click.echo(
            f"cardlint: resuming {output_path}: "
            f"{plural(len(done), 'repo')} already scanned there are skipped",
            err=True,
        )
    handle: IO[str] = output_path.open("a", encoding="utf-8") if output_path else sys.stdout
    progress = Progress(sys.stderr, total, enabled=sys.stderr.isatty())
    try:
        outcome = run_scan(targets, scanner.scan, handle, jobs=jobs, done=done, progress=progress)
    finally:
        if output_path:
            handle.close()
    if outcome.listing_error:
        click.echo(f"cardlint: {outcome.listing_error}", err=True)
    if outcome.interrupted:
        click.echo(
            f"cardlint: interrupted after {outcome.written} repos; rerun the same command to resume", err=True
        )
        sys.exit(EXIT_INTERRUPTED)
    if not quiet and output_path:
        click.echo(ScanSummary.of(iter_records(output_path)).render(), nl=False)
    if not quiet:
        resumed = f", {outcome.skipped} skipped as already scanned" if outcome.skipped else ""
        click.echo(
            f"cardlint: scanned {plural(outcome.written, 'repo')} ({outcome.errors} could not be read, "
            f"reasons above){resumed}"
            if outcome.errors
            else f"cardlint: scanned {plural(outcome.written, 'repo')}{resumed}",
            err=True,
        )
    if not quiet and outcome.written:
        from cardlint.app.run import note_as_of

        note_as_of(settings, True)  # every record carries threshold standings
    failed = outcome.errors or outcome.listing_error
    sys.exit(EXIT_ERROR if failed else EXIT_CLEAN)


def _targets(
    repos: tuple[str, ...],
    repos_file: str | None,
    author: str | None,
    search: str | None,
    filters: tuple[str, ...],
    limit: int | None,
) -> tuple[Iterator[str], int | None]:
    """The targets to scan, lazily, and their number when it is known up front."""
    from cardlint.sources.hub_listing import list_model_ids

    def chained() -> Iterator[str]:
        yield from repos
        if repos_file:
            yield from read_repo_file(repos_file)
        if author or search or filters:
            yield from list_model_ids(author=author, search=search, filters=filters, limit=limit)

    total: int | None = None
    if not (author or search or filters) and (not repos_file or repos_file != "-"):
        total = len(repos) + (sum(1 for _ in read_repo_file(repos_file)) if repos_file else 0)
    return chained(), total
