"""`check --jobs N`: the same analysis in worker processes, with results in the order of the targets.

Targets are expanded to single cards in the parent, cut into chunks, and each chunk runs through the ordinary
`analyse_all` in a worker, so a parallel run reports exactly what a serial one does.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from cardlint.app.rendering import RenderedCard, render_card
from cardlint.app.session import CommandLine, analyse_all, settings_for
from cardlint.config.settings import Settings
from cardlint.sources import SourceError
from cardlint.types import CardReport

CHUNK_SIZE = 64


def analyse_in_processes(
    command_line: CommandLine, jobs: int
) -> tuple[list[CardReport], list[str], Settings]:
    settings = settings_for(command_line, None, {})
    atoms, errors = _expand(command_line)
    chunks = [atoms[start : start + CHUNK_SIZE] for start in range(0, len(atoms), CHUNK_SIZE)]
    reports: list[CardReport] = []
    if len(chunks) <= 1:
        chunk_reports, chunk_errors, _ = analyse_all(
            replace(command_line, targets=tuple(atoms), recursive=False), None
        )
        return chunk_reports, errors + chunk_errors, settings
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for chunk_reports, chunk_errors in pool.map(_work, [(command_line, chunk) for chunk in chunks]):
            reports.extend(chunk_reports)
            errors.extend(chunk_errors)
    return reports, errors, settings


def rendered_in_processes(
    command_line: CommandLine, jobs: int, fmt: str
) -> tuple[Settings, Iterator[RenderedCard | str]]:
    """Each card's rendered part of a streamed format (or a one-line error), in target order as chunks
    complete. Workers render their own cards, so only text and counts come back: pickling whole reports
    cost the parent about a fifth of the workers' CPU time."""
    settings = settings_for(command_line, None, {})
    atoms, errors = _expand(command_line)
    chunks = [atoms[start : start + CHUNK_SIZE] for start in range(0, len(atoms), CHUNK_SIZE)]

    def items() -> Iterator[RenderedCard | str]:
        yield from errors
        jobs_list = [(command_line, chunk, fmt) for chunk in chunks]
        if len(chunks) <= 1:
            for rendered, chunk_errors in map(_render_work, jobs_list):
                yield from rendered
                yield from chunk_errors
            return
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for rendered, chunk_errors in pool.map(_render_work, jobs_list):
                yield from rendered
                yield from chunk_errors

    return settings, items()


def _render_work(job: tuple[CommandLine, list[str], str]) -> tuple[list[RenderedCard], list[str]]:
    from cardlint.config.catalogue import load_catalogue

    command_line, chunk, fmt = job
    reports, errors = _work((command_line, chunk))
    catalogue = load_catalogue()
    return [render_card(fmt, report, catalogue) for report in reports], errors


def _expand(command_line: CommandLine) -> tuple[list[str], list[str]]:
    from cardlint.sources.local import expand_local

    atoms: list[str] = []
    errors: list[str] = []
    for target in command_line.targets:
        if target != "-" and not target.startswith("hf://") and Path(target).exists():
            try:
                atoms.extend(str(path) for path in expand_local(target, recursive=command_line.recursive))
            except SourceError as exc:
                errors.append(str(exc))
        else:
            atoms.append(target)
    return atoms, errors


def _work(job: tuple[CommandLine, list[str]]) -> tuple[list[CardReport], list[str]]:
    command_line, chunk = job
    reports, errors, _ = analyse_all(replace(command_line, targets=tuple(chunk), recursive=False), None)
    return reports, errors
