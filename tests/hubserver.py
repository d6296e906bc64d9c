"""A small Hugging Face Hub stand-in on 127.0.0.1 for tests and benchmarks.

It serves repos that tests build in memory, through the endpoints and headers the real huggingface_hub
client reads (model info with expand, list models with Link pagination, resolve with HEAD/GET and ranges,
X-Repo-Commit / ETag / X-Linked-Etag / X-Error-Code), so the client runs unpatched against it. Faults are
injected per request pattern: an error status, a delay, a cut or short body, malformed JSON, a missing
commit header, and the hostile ones: a body dripped a byte at a time, a request never answered (stall), a
flood of any size streamed without being held in memory, with or without an honest Content-Length.
Every request is recorded, and every body byte sent counted, so tests can inspect them.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import yaml

_FRONT_MATTER = re.compile(r"^\s*---\r?\n([\s\S]*?)\r?\n---[ \t]*(\r?\n|$)")
ALWAYS_PUBLIC = {"README.md", ".gitattributes"}  # the Hub shows these even for gated repos


def safetensors_header(tensors: dict[str, tuple[str, list[int]]]) -> bytes:
    """A safetensors file that is only its header: the client never checks data_offsets against size."""
    header = {
        name: {"dtype": dtype, "shape": shape, "data_offsets": [0, 0]}
        for name, (dtype, shape) in tensors.items()
    }
    payload = json.dumps(header).encode()
    return struct.pack("<Q", len(payload)) + payload


def _parameter_counts(blob: bytes) -> dict[str, int]:
    (length,) = struct.unpack("<Q", blob[:8])
    counts: dict[str, int] = {}
    for name, tensor in json.loads(blob[8 : 8 + length]).items():
        if name == "__metadata__":
            continue
        size = 1
        for dim in tensor["shape"]:
            size *= dim
        counts[tensor["dtype"]] = counts.get(tensor["dtype"], 0) + size
    return counts


@dataclass
class Repo:
    """One model repo: files per commit, refs to commits, and the metadata the API reports."""

    repo_id: str
    refs: dict[str, str] = field(default_factory=dict)
    commits: dict[str, dict[str, bytes]] = field(default_factory=dict)
    gated: bool | str = False
    private: bool = False
    disabled: bool = False
    pipeline_tag: str | None = "text-generation"
    library_name: str | None = "transformers"
    last_modified: str = "2025-01-15T10:00:00.000Z"
    tags: list[str] = field(default_factory=list)
    downloads: int = 0
    info_safetensors: bool = True  # False: model info omits the count, the client must read headers
    tokens: set[str] = field(default_factory=set)  # tokens that may read a private or gated repo

    def commit(self, files: dict[str, bytes | str], branch: str = "main") -> str:
        """Add a commit on `branch` holding exactly `files`; returns its sha."""
        data = {
            name: content.encode() if isinstance(content, str) else content for name, content in files.items()
        }
        digest = hashlib.sha1(self.repo_id.encode() + b"\0" + branch.encode())
        for name in sorted(data):
            digest.update(name.encode() + b"\0" + data[name])
        digest.update(str(len(self.commits)).encode())
        sha = digest.hexdigest()
        self.commits[sha] = data
        self.refs[branch] = sha
        return sha

    def resolve(self, revision: str) -> str | None:
        if revision in self.refs:
            return self.refs[revision]
        return revision if revision in self.commits else None

    def card_data(self, sha: str) -> dict[str, Any] | None:
        readme = self.commits[sha].get("README.md")
        match = _FRONT_MATTER.match(readme.decode("utf-8", "replace")) if readme else None
        if not match:
            return None
        try:
            data = yaml.safe_load(match.group(1))
        except yaml.YAMLError:
            return None
        return data if isinstance(data, dict) else None

    def safetensors(self, sha: str) -> dict[str, Any] | None:
        counts: dict[str, int] = {}
        for name, blob in self.commits[sha].items():
            if name.endswith(".safetensors"):
                for dtype, count in _parameter_counts(blob).items():
                    counts[dtype] = counts.get(dtype, 0) + count
        return {"parameters": counts, "total": sum(counts.values())} if counts else None

    def info(self, sha: str, expand: list[str] | None) -> dict[str, Any]:
        full: dict[str, Any] = {
            "id": self.repo_id,
            "author": self.repo_id.split("/")[0],
            "sha": sha,
            "gated": self.gated,
            "private": self.private,
            "disabled": self.disabled,
            "pipeline_tag": self.pipeline_tag,
            "library_name": self.library_name,
            "lastModified": self.last_modified,
            "createdAt": "2024-06-01T00:00:00.000Z",
            "tags": self.tags,
            "downloads": self.downloads,
            "likes": 0,
            "siblings": [{"rfilename": name} for name in sorted(self.commits[sha])],
            "cardData": self.card_data(sha),
        }
        if self.info_safetensors and (counts := self.safetensors(sha)) is not None:
            full["safetensors"] = counts
        if not expand:
            return {
                key: full[key] for key in ("id", "author", "sha", "private", "gated", "pipeline_tag", "tags")
            }
        return {"id": self.repo_id, **{key: full[key] for key in expand if key in full}}


@dataclass
class Fault:
    """What to do instead of (or on top of) the normal answer, for requests matching `method` and `path`."""

    path: str  # a regex searched in the request path
    method: str | None = None  # None: any method
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    cut: bool = False  # announce the full length, send half, close: the client sees a broken transfer
    short: bool = False  # send half the body with a matching length: the size check must catch it
    malformed: bool = False  # 200 with a body that is not JSON
    drop_commit_header: bool = False
    drip: float = 0.0  # seconds between bytes of the body: a server that never stops sending, slowly
    stall: bool = False  # never answer at all (until the stand-in stops)
    flood: int = 0  # send this many bytes instead of the body, made up as they go
    announce: bool = True  # with flood: state its size in Content-Length (False: no length, ends at close)
    times: int | None = 1  # how many matching requests it applies to; None: all

    def applies(self, method: str, path: str) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        return (self.method is None or self.method == method) and re.search(self.path, path) is not None


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class HubStandIn:
    """The server: `add_repo`, `add_fault`, `start`; `requests` lists what the client asked for."""

    def __init__(self, *, page_size: int = 100, latency: float = 0.0) -> None:
        self.repos: dict[str, Repo] = {}
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self.page_size = page_size
        self.latency = latency
        self.bytes_sent = 0  # body bytes written to clients
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ building
    def add_repo(self, repo_id: str, files: dict[str, bytes | str], **options: Any) -> Repo:
        repo = Repo(repo_id=repo_id, **options)
        repo.commit(files)
        self.repos[repo_id] = repo
        return repo

    def add_fault(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    # ------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HubStandIn:
        stand_in = self

        class Handler(_Handler):
            hub = stand_in

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="hub-stand-in", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # releases stalled handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> HubStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ inspection
    def count(self, method: str | None = None, path_contains: str = "") -> int:
        with self._lock:
            return sum(
                1 for r in self.requests if (method is None or r.method == method) and path_contains in r.path
            )

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    def _record(self, request: Request) -> Fault | None:
        with self._lock:
            self.requests.append(request)
            for fault in self.faults:
                if fault.applies(request.method, request.path):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None


class _Handler(BaseHTTPRequestHandler):
    hub: HubStandIn
    protocol_version = "HTTP/1.1"
    server_version = "HubStandIn/1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    # ------------------------------------------------------------ dispatch
    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        query = parse_qs(parts.query)
        fault = self.hub._record(
            Request(method, path, query, {k.lower(): v for k, v in self.headers.items()})
        )
        self._fault = fault
        if self.hub.latency:
            time.sleep(self.hub.latency)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.stall:
            self.hub.stopping.wait()
            self.close_connection = True
            return
        if fault is not None and fault.status is not None:
            self._send(
                fault.status, fault.body, {"Content-Type": "application/json", **fault.headers}, method
            )
            return
        if fault is not None and fault.malformed:
            self._send(200, b'{"id": "broken', {"Content-Type": "application/json"}, method)
            return
        if path == "/api/models":
            self._list_models(query, method)
            return
        match = re.fullmatch(r"/api/models/([^/]+/[^/]+)(?:/revision/(.+))?", path)
        if match:
            self._model_info(unquote(match.group(1)), unquote(match.group(2) or "main"), query, method)
            return
        match = re.fullmatch(r"/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path)
        if match:
            repo_id, revision, filename = (unquote(group) for group in match.groups())
            self._resolve(repo_id, revision, filename, method, fault)
            return
        self._send(404, b"{}", {"Content-Type": "application/json"}, method)

    def _authorised(self, repo: Repo) -> bool:
        auth = self.headers.get("Authorization", "")
        return auth.startswith("Bearer ") and auth[len("Bearer ") :] in repo.tokens

    def _repo_or_error(self, repo_id: str, method: str) -> Repo | None:
        repo = self.hub.repos.get(repo_id)
        if repo is None or (repo.private and not self._authorised(repo)):
            status = 401 if repo is not None else 404
            headers = {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"}
            self._send(status, b'{"error": "Repository not found"}', headers, method)
            return None
        return repo

    # ------------------------------------------------------------ endpoints
    def _model_info(self, repo_id: str, revision: str, query: dict[str, list[str]], method: str) -> None:
        repo = self._repo_or_error(repo_id, method)
        if repo is None:
            return
        sha = repo.resolve(revision)
        if sha is None:
            headers = {"X-Error-Code": "RevisionNotFound", "X-Error-Message": "Invalid rev id"}
            self._send(404, b'{"error": "Invalid rev id"}', headers, method)
            return
        self._json(repo.info(sha, query.get("expand")), method)

    def _list_models(self, query: dict[str, list[str]], method: str) -> None:
        author = (query.get("author") or [None])[0]
        search = (query.get("search") or [""])[0].lower()
        filters = query.get("filter") or []
        limit = int((query.get("limit") or ["0"])[0]) or None
        cursor = int((query.get("cursor") or ["0"])[0])
        matching = [
            repo
            for repo_id, repo in sorted(self.hub.repos.items())
            if not repo.private
            and (author is None or repo_id.split("/")[0] == author)
            and search in repo_id.lower()
            and all(
                tag in repo.tags or tag == repo.library_name or tag == repo.pipeline_tag for tag in filters
            )
        ]
        if limit is not None:
            matching = matching[:limit]
        page = matching[cursor : cursor + self.hub.page_size]
        items = [repo.info(repo.refs["main"], query.get("expand")) for repo in page]
        headers: dict[str, str] = {}
        if cursor + self.hub.page_size < len(matching):
            next_query = {key: values for key, values in query.items() if key != "cursor"}
            next_query["cursor"] = [str(cursor + self.hub.page_size)]
            host, port = self.server.server_address[:2]
            link = f"http://{host}:{port}/api/models?{urlencode(next_query, doseq=True)}"
            headers["Link"] = f'<{link}>; rel="next"'
        self._json(items, method, headers)

    def _resolve(self, repo_id: str, revision: str, filename: str, method: str, fault: Fault | None) -> None:
        repo = self._repo_or_error(repo_id, method)
        if repo is None:
            return
        sha = repo.resolve(revision)
        if sha is None:
            headers = {"X-Error-Code": "RevisionNotFound", "X-Error-Message": "Invalid rev id"}
            self._send(404, b"", headers, method)
            return
        commit_headers = {} if fault is not None and fault.drop_commit_header else {"X-Repo-Commit": sha}
        if repo.gated and filename not in ALWAYS_PUBLIC and not self._authorised(repo):
            headers = {
                "X-Error-Code": "GatedRepo",
                "X-Error-Message": "Access to this model is restricted: request access and authenticate.",
                **commit_headers,
            }
            self._send(401, b"", headers, method)
            return
        files = repo.commits[sha]
        if filename not in files:
            headers = {
                "X-Error-Code": "EntryNotFound",
                "X-Error-Message": "Entry not found",
                **commit_headers,
            }
            self._send(404, b"", headers, method)
            return
        blob = files[filename]
        headers = {"Accept-Ranges": "bytes", "Content-Type": "application/octet-stream", **commit_headers}
        if filename.endswith(".safetensors"):  # LFS files: the Hub names the linked blob
            headers["X-Linked-Etag"] = f'"{hashlib.sha256(blob).hexdigest()}"'
            headers["X-Linked-Size"] = str(len(blob))
            headers["ETag"] = f'"{hashlib.sha1(blob).hexdigest()}"'
        else:
            git_blob = hashlib.sha1(b"blob %d\0" % len(blob) + blob).hexdigest()
            headers["ETag"] = f'"{git_blob}"'
        status, body = 200, blob
        wanted = self.headers.get("Range")
        if method == "GET" and wanted:
            status, body, extra = _ranged(blob, wanted)
            headers.update(extra)
        if fault is not None and fault.cut and method == "GET":
            self._send_cut(status, body, headers)
            return
        if fault is not None and fault.short and method == "GET":
            body = body[: len(body) // 2]
        self._send(status, body, headers, method, content_length=len(blob) if method == "HEAD" else None)

    # ------------------------------------------------------------ writing
    def _json(self, payload: Any, method: str, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self._send(200, body, {"Content-Type": "application/json", **(headers or {})}, method)

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str],
        method: str,
        content_length: int | None = None,
    ) -> None:
        fault = getattr(self, "_fault", None)
        if fault is not None and method != "HEAD" and (fault.flood or fault.drip):
            self._send_hostile(status, body, headers, fault)
            return
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(content_length if content_length is not None else len(body)))
        self.end_headers()
        if method != "HEAD":
            self._write(body)

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        with self.hub._lock:
            self.hub.bytes_sent += len(data)

    def _send_hostile(self, status: int, body: bytes, headers: dict[str, str], fault: Fault) -> None:
        """A flood (made up 64 kB at a time, never held whole) or a drip; stops when the client hangs up."""
        size = fault.flood or len(body)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if fault.announce or not fault.flood:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            if fault.drip:
                for index in range(size):
                    self._write(body[index : index + 1] if index < len(body) else b" ")
                    self.wfile.flush()
                    if self.hub.stopping.wait(fault.drip):
                        return
                return
            chunk = b"x" * 65536
            for start in range(0, size, len(chunk)):
                self._write(chunk[: size - start])
        except (BrokenPipeError, ConnectionResetError):
            return

    def _send_cut(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self._write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True


def _ranged(blob: bytes, wanted: str) -> tuple[int, bytes, dict[str, str]]:
    match = re.fullmatch(r"bytes=(\d+)-(\d*)", wanted.strip())
    if not match:
        return 200, blob, {}
    start = int(match.group(1))
    end = min(int(match.group(2)) if match.group(2) else len(blob) - 1, len(blob) - 1)
    if start >= len(blob):
        return 416, b"", {"Content-Range": f"bytes */{len(blob)}"}
    return 206, blob[start : end + 1], {"Content-Range": f"bytes {start}-{end}/{len(blob)}"}


def card(front_matter: str, body: str = "# Model\n\nA model card written for the tests.\n") -> str:
    """A README with the given YAML front matter."""
    return f"---\n{front_matter.strip()}\n---\n\n{body}"


def repo_ids(stand_in: HubStandIn, method: str = "GET") -> Iterable[str]:
    """The repo ids whose model info was requested, in order (helps assert on scans)."""
    for request in stand_in.requests:
        match = re.fullmatch(r"/api/models/([^/]+/[^/]+)(?:/revision/.+)?", request.path)
        if match and request.method == method:
            yield match.group(1)


__all__ = ["Fault", "HubStandIn", "Repo", "card", "quote", "repo_ids", "safetensors_header"]
