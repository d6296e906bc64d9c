"""`cardlint census`: the pipeline over a dump of cards on Dask, into Parquet, summary.json and report.html.

Needs the `census` extra (dask, pyarrow, matplotlib, rich); without it the command says what to install.
Exit 0 when every partition was written (cards that failed are rows with their error, not a failed run),
2 for bad input or options, or when some partitions failed (rerunning the same command retries only those).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

EXIT_CLEAN, EXIT_ERROR = 0, 2


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--output-dir",
    "--output",
    "-o",
    "output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for results/, summary.json and report.html; rerun with it to resume.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 512),
    default=None,
    help="Worker processes of the local cluster (default: one per CPU).",
)
@click.option("--scheduler", metavar="ADDRESS", help="Use an existing Dask scheduler (tcp://host:8786).")
@click.option("--id-column", help="Column of model ids (default: modelId, id, model_id or repo_id).")
@click.option("--text-column", help="Column of card text (default: card, text, readme or content).")
@click.option(
    "--partition-size",
    type=click.IntRange(1, 1_000_000),
    default=None,
    help="Cards per task; a worker holds one partition at a time (default: enough partitions for "
    "several per worker, at most 1000 cards each).",
)
@click.option(
    "--policy", "policy_ids", multiple=True, help="Policy id to apply (repeatable; default: in force)."
)
@click.option("--as-of", "as_of", help="Judge policies in force on this date (YYYY-MM-DD; default today).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def census(
    input_path: Path,
    output: Path,
    workers: int | None,
    scheduler: str | None,
    id_column: str | None,
    text_column: str | None,
    partition_size: int | None,
    policy_ids: tuple[str, ...],
    as_of: str | None,
    quiet: bool,
) -> None:
    """Audit a dump of model cards on Dask: Parquet results, summary.json and report.html.

    INPUT is a Parquet file or folder (such as the Hub's card dumps), or a folder or tarball of README files.
    Rerunning with the same --output-dir resumes a stopped run.
    """
    try:
        import dask.bag  # noqa: F401
        import distributed  # noqa: F401
        import matplotlib  # noqa: F401
        import pyarrow  # noqa: F401

        from cardlint.census.engine import CensusError, CensusOptions
        from cardlint.census.engine import census as run
        from cardlint.census.progress import CensusProgress
    except ImportError as exc:
        click.echo(
            f"cardlint: census needs the census extra: pip install 'cardlint[census]' ({exc})", err=True
        )
        sys.exit(EXIT_ERROR)
    day = None
    if as_of:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise click.BadParameter(
                f"'{as_of}' is not a date like 2025-08-02", param_hint="--as-of"
            ) from None
    policies = tuple(p.strip() for value in policy_ids for p in value.split(",") if p.strip()) or None
    options = CensusOptions(
        input=input_path,
        output=output,
        scheduler=scheduler,
        id_column=id_column,
        text_column=text_column,
        partition_size=partition_size,
        as_of=day,
        policies=policies,
    )
    if workers:
        options.workers = workers
    try:
        summary, result = run(options, progress=CensusProgress(enabled=not quiet))
    except CensusError as exc:
        click.echo(f"cardlint: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(
        f"census: {summary['cards']:,} cards ({result.skipped} of {result.partitions} partitions resumed, "
        f"{summary['failed']:,} cards failed) in {result.seconds:.1f}s; "
        f"{output / 'report.html'}",
        err=True,
    )
    for index, error in sorted(result.failed_partitions.items()):
        click.echo(f"cardlint: partition {index} failed: {error}", err=True)
    sys.exit(EXIT_ERROR if result.failed_partitions else EXIT_CLEAN)
