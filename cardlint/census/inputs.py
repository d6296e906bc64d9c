"""Where the census's cards come from: a Parquet dump, or READMEs converted into one.

A run is cut into partitions of at most `partition_size` rows. A partition is a row range of one Parquet file,
read batch by batch from only the row groups it overlaps, so what a worker holds is bounded by the partition
size rather than by the file. READMEs (a folder or a tarball) are first written as Parquet partitions of their
raw bytes, so every later step sees one kind of input and a resumed run reads the same cards.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# Column names of the Hub's card dumps and of the common re-exports of them, in order of preference.
ID_COLUMNS = ("modelId", "id", "model_id", "repo_id")
TEXT_COLUMNS = ("card", "text", "readme", "content")
# Metadata columns carried into the results when present: name in the results -> names in a dump.
PASSTHROUGH = {
    "pipeline_tag": ("pipeline_tag", "pipeline_task"),
    "downloads": ("downloads",),
    "last_modified": ("last_modified", "lastModified"),
}
README_NAMES = ("readme.md", "model_card.md")
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
DEFAULT_PARTITION_SIZE = 1000  # the most rows a task holds when the size is chosen for the user
# Without --partition-size every worker gets this many partitions (so a slow one does not hold up the end),
# each of at least MIN_AUTO_PARTITION rows (below that, scheduling costs more than it spreads).
PARTITIONS_PER_WORKER = 4
MIN_AUTO_PARTITION = 25
CONVERTED_MARKER = ".converted.json"

Record = dict[str, Any]


class InputError(Exception):
    """An input the census cannot use; the message is the one line the user sees."""


@dataclass(frozen=True)
class Columns:
    """Which column of the dump holds what; passthrough maps a result column to the dump's column."""

    id: str
    text: str
    passthrough: tuple[tuple[str, str], ...] = ()

    def read_list(self) -> list[str]:
        return [self.id, self.text, *(source for _, source in self.passthrough)]


@dataclass(frozen=True)
class Partition:
    """Rows [start, stop) of one Parquet file; `index` names its output file."""

    index: int
    path: str
    start: int
    stop: int

    @property
    def rows(self) -> int:
        return self.stop - self.start

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- finding the Parquet files


def is_readme_source(source: Path) -> bool:
    """A tarball, a single Markdown file, or a folder holding no Parquet file: READMEs to convert."""
    if source.is_file():
        return source.name.lower().endswith((*TAR_SUFFIXES, ".md"))
    return source.is_dir() and not any(source.rglob("*.parquet"))


def parquet_files(source: Path) -> list[Path]:
    """The Parquet files of a file or folder, in a stable order (partitions are numbered over it)."""
    if source.is_file():
        return [source]
    if source.is_dir():
        files = sorted(path for path in source.rglob("*.parquet") if not path.name.startswith("."))
        if files:
            return files
    raise InputError(f"{source}: no Parquet file here (and not a folder or tarball of README files)")


def resolve_columns(names: list[str], id_column: str | None, text_column: str | None) -> Columns:
    """The id and text columns (given, or the first known name present) and the metadata to carry along."""

    def pick(given: str | None, candidates: tuple[str, ...], what: str, option: str) -> str:
        if given:
            if given not in names:
                raise InputError(f"no column '{given}' for the {what} (columns: {', '.join(names)})")
            return given
        for name in candidates:
            if name in names:
                return name
        raise InputError(f"no {what} column among {', '.join(names)}; name it with {option}")

    id_name = pick(id_column, ID_COLUMNS, "model id", "--id-column")
    text_name = pick(text_column, TEXT_COLUMNS, "card text", "--text-column")
    passthrough = []
    for result_name, candidates in PASSTHROUGH.items():
        found = next(
            (name for name in candidates if name in names and name not in (id_name, text_name)), None
        )
        if found is not None:
            passthrough.append((result_name, found))
    return Columns(id_name, text_name, tuple(passthrough))


def schema_names(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None


def auto_partition_size(rows: int, workers: int) -> int:
    """A partition size that gives each of `workers` several tasks: 496 cards on 2 workers are 8
    partitions of 62, not one partition of 496 that leaves the second worker idle."""
    wanted = -(-rows // max(1, workers * PARTITIONS_PER_WORKER))  # ceiling division
    return max(MIN_AUTO_PARTITION, min(DEFAULT_PARTITION_SIZE, wanted))


def count_rows(files: list[Path]) -> int:
    """Rows over every input file, from the Parquet footers (no data is read)."""
    import pyarrow.parquet as pq

    total = 0
    for path in files:
        try:
            total += pq.ParquetFile(path).metadata.num_rows
        except Exception as exc:
            raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
    return total


def plan_partitions(files: list[Path], partition_size: int) -> list[Partition]:
    """Cut every file into row ranges of at most `partition_size` rows, numbered in file order."""
    import pyarrow.parquet as pq

    partitions: list[Partition] = []
    for path in files:
        try:
            rows = pq.ParquetFile(path).metadata.num_rows
        except Exception as exc:
            raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
        for start in range(0, rows, partition_size):
            stop = min(start + partition_size, rows)
            partitions.append(Partition(len(partitions), str(path), start, stop))
    return partitions


def fingerprint(files: list[Path]) -> str:
    """Names, sizes and modification times of the input files: a resumed run must read the same input."""
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


# ---------------------------------------------------------------- reading one partition


def read_partition(partition: Partition, columns: Columns) -> Iterator[Record]:
    """The partition's rows as records (id, raw card bytes or None, passthrough values), streamed by batch."""
    import pyarrow.parquet as pq

    handle = pq.ParquetFile(partition.path)
    groups: list[int] = []
    first_row = 0
    offset = 0
    for group in range(handle.metadata.num_row_groups):
        size = handle.metadata.row_group(group).num_rows
        if offset + size > partition.start and offset < partition.stop:
            if not groups:
                first_row = offset
            groups.append(group)
        offset += size
    position = first_row
    batch_size = max(1, min(partition.rows, 256))
    for batch in handle.iter_batches(batch_size=batch_size, row_groups=groups, columns=columns.read_list()):
        data = batch.to_pydict()
        for row in range(batch.num_rows):
            if partition.start <= position < partition.stop:
                yield _record(data, row, columns)
            position += 1
        if position >= partition.stop:
            break


def _record(data: dict[str, list[Any]], row: int, columns: Columns) -> Record:
    text = data[columns.text][row]
    raw = text.encode("utf-8", errors="surrogatepass") if isinstance(text, str) else text
    record: Record = {"id": _as_text(data[columns.id][row]), "raw": raw}
    for result_name, source in columns.passthrough:
        record[result_name] = data[source][row]
    return record


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


# ---------------------------------------------------------------- READMEs to Parquet


def iter_readmes(source: Path, max_bytes: int) -> Iterator[tuple[str, bytes]]:
    """(id, raw bytes) of every card in a folder, tarball or single file; ids from the folder names.

    A README is named after the folder holding it (`org/model/README.md` -> `org/model`); any other .md file
    after its path without the suffix. Tar members are read, never extracted, so member names cannot write
    outside anything. Bytes beyond `max_bytes` + 1 are not read: the pipeline rejects such a card anyway.
    """
    if source.is_file() and source.name.lower().endswith(".md"):
        yield _card_id(source.name, source.parent.name), _read_capped(source, max_bytes)
        return
    if source.is_file():
        try:
            archive = tarfile.open(source)  # noqa: SIM115 - closed by the `with` below
        except (tarfile.TarError, OSError) as exc:
            raise InputError(f"{source}: not a readable tarball ({exc})") from None
        with archive:
            for member in archive:
                if not member.isfile() or not member.name.lower().endswith(".md"):
                    continue
                handle = archive.extractfile(member)
                if handle is not None:
                    yield _card_id(member.name, source.name), handle.read(max_bytes + 1)
        return
    for path in sorted(source.rglob("*")):
        if path.name.lower().endswith(".md") and path.is_file():
            relative = path.relative_to(source).as_posix()
            yield _card_id(relative, source.name), _read_capped(path, max_bytes)


def _read_capped(path: Path, max_bytes: int) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(max_bytes + 1)


def _card_id(relative: str, fallback: str) -> str:
    parts = [part for part in relative.replace("\\", "/").split("/") if part not in ("", ".")]
    if parts and parts[-1].lower() in README_NAMES:
        parts = parts[:-1]
    elif parts:
        parts[-1] = parts[-1][:-3]
    return "/".join(parts) or fallback


def convert_readmes(source: Path, folder: Path, partition_size: int, max_bytes: int) -> list[Path]:
    """Write the READMEs of `source` as Parquet files of `partition_size` rows (columns id, card as bytes).

    Done once per output folder: a marker lists the files written, so a resumed run reads the same partitions.
    Raw bytes are kept (binary column) so the pipeline decodes them exactly as `cardlint check` would.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    marker = folder / CONVERTED_MARKER
    if marker.exists():
        return [folder / name for name in json.loads(marker.read_text(encoding="utf-8"))["files"]]
    folder.mkdir(parents=True, exist_ok=True)
    schema = pa.schema([("id", pa.string()), ("card", pa.binary())])
    written: list[str] = []
    ids: list[str] = []
    texts: list[bytes] = []

    def flush() -> None:
        name = f"cards-{len(written):05d}.parquet"
        write_atomically(pa.table({"id": ids, "card": texts}, schema=schema), folder / name, pq)
        written.append(name)
        ids.clear()
        texts.clear()

    for card_id, raw in iter_readmes(source, max_bytes):
        ids.append(card_id)
        texts.append(raw)
        if len(ids) >= partition_size:
            flush()
    if ids:
        flush()
    if not written:
        raise InputError(f"{source}: no Markdown card found")
    marker.write_text(json.dumps({"source": str(source), "files": written}), encoding="utf-8")
    return [folder / name for name in written]


def write_atomically(table: Any, path: Path, pq: Any) -> None:
    """Write under a temporary name in the same folder, then rename: a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
