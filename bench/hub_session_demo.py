"""A real cardlint session against the loopback Hub stand-in, for the issue note: check, estimate, a scan with
its progress line, an offline rerun, and two faults (a gated card, a rate limit), with their output.

Usage: python bench/hub_session_demo.py [OUT_FILE]   (default bench/out/hub-session.txt)
Needs no network and no corpus: the cards are written here. The CLI runs in subprocesses with HF_ENDPOINT
pointing at the stand-in; the scan runs under `script` (when present) so stderr is a terminal and the
progress line shows.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hubserver import Fault, HubStandIn, card, safetensors_header  # noqa: E402

CARDLINT = str(ROOT / ".venv" / "bin" / "cardlint") if (ROOT / ".venv").exists() else "cardlint"

BASE_CARD = card(
    "license: apache-2.0\npipeline_tag: text-generation\nlibrary_name: transformers",
    "# Demo-8B\n\nDemo-8B is a dense decoder with 8B parameters. It was pretrained on 15T tokens "
    "on 16,384 H100 GPUs.\n\n## Training\n\nTraining took 39.3M GPU hours.\n",
)
FT_CARD = card(
    "license: apache-2.0\nbase_model: demo/Demo-8B\npipeline_tag: text-generation",
    "# Demo-8B-Chat\n\nA chat fine-tune of Demo-8B, trained on 2B tokens for 3 epochs on 64 A100 GPUs.\n",
)
CONFIG = {
    "model_type": "llama",
    "hidden_size": 4096,
    "num_hidden_layers": 32,
    "intermediate_size": 14336,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "vocab_size": 128256,
    "max_position_embeddings": 8192,
}


def build(hub: HubStandIn) -> None:
    weights = safetensors_header({"w": ("BF16", [8_030_261_248])})
    files = {"config.json": json.dumps(CONFIG), "model.safetensors": weights}
    hub.add_repo("demo/Demo-8B", {"README.md": BASE_CARD, **files})
    hub.add_repo("demo/Demo-8B-Chat", {"README.md": FT_CARD, **files})
    hub.add_repo("demo/Demo-8B-Gated", {"README.md": BASE_CARD, **files}, gated="manual")
    hub.add_repo("locked/Secret-8B", {"README.md": BASE_CARD, **files}, gated="manual")
    for index in range(12):
        hub.add_repo(f"demo/variant-{index}", {"README.md": FT_CARD.replace("Chat", f"V{index}"), **files})


def run(command: list[str], env: dict[str, str], log: list[str], *, tty: bool = False) -> None:
    shown = "$ " + " ".join(shlex.quote(part if part != CARDLINT else "cardlint") for part in command)
    if tty and shutil.which("script"):
        command = ["script", "-qec", " ".join(shlex.quote(part) for part in command), "/dev/null"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    output = (result.stdout + result.stderr).replace("\r", "\n")
    lines = [line for line in output.splitlines() if line.strip()]
    if tty:  # the progress line redraws itself; keep its first and last states
        progress = [line for line in lines if line.startswith("scan:")]
        lines = [line for line in lines if not line.startswith("scan:")]
        lines = progress[:1] + (["  ..."] if len(progress) > 2 else []) + progress[-1:] + lines
    log += [shown, *lines, f"(exit {result.returncode})", ""]


def main() -> None:
    out_file = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "out" / "hub-session.txt"
    log: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cardlint-demo-") as scratch, HubStandIn(latency=0.02) as hub:
        build(hub)
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"HF_TOKEN", "HF_HUB_OFFLINE", "GITHUB_ACTIONS"}
            },
            "HF_ENDPOINT": hub.url,
            "HF_HOME": f"{scratch}/hf-home",
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HUB_DISABLE_XET": "1",
            "CARDLINT_HUB_MAX_WAIT": "5",
        }
        log.append(f"# Hub stand-in at {hub.url} (HF_ENDPOINT), cache in a fresh HF_HOME")
        log.append("")
        run([CARDLINT, "check", "demo/Demo-8B-Chat", "--isolated"], env, log)
        log.append(f"# requests so far: {len(hub.requests)}")
        log.append("")
        run([CARDLINT, "estimate", "hf://demo/Demo-8B", "--isolated"], env, log)
        output = f"{scratch}/scan.jsonl"
        run([CARDLINT, "scan", "--author", "demo", "-j", "8", "-o", output, "--isolated"], env, log, tty=True)
        with open(output) as handle:
            first = json.loads(handle.readline())
        log.append("# first record of scan.jsonl (abridged)")
        abridged = {key: first.get(key) for key in ("target", "status", "revision", "disclosed", "findings")}
        abridged["training_flop"] = (first.get("estimate") or {}).get("training_flop")
        log.append(json.dumps(abridged))
        log.append("")
        hub.clear_requests()
        run([CARDLINT, "check", "demo/Demo-8B-Chat", "--isolated", "--offline", "-q"], env, log)
        log.append(f"# requests made by the offline rerun: {len(hub.requests)}")
        log.append("")
        log.append("# a repo whose card itself is gated (401 GatedRepo on README.md), next to a readable one")
        hub.add_fault(
            Fault(
                path="Secret-8B/resolve/.*/README.md",
                status=401,
                headers={"X-Error-Code": "GatedRepo"},
                times=None,
            )
        )
        run([CARDLINT, "facts", "locked/Secret-8B", "demo/Demo-8B", "--isolated"], env, log)
        log.append(
            "# 429: variant-3 once with Retry-After 1 (waited, then linted), variant-4 asks for an hour"
        )
        hub.add_fault(
            Fault(path="^/api/models/demo/variant-3", status=429, headers={"Retry-After": "1"}, times=1)
        )
        hub.add_fault(
            Fault(path="^/api/models/demo/variant-4", status=429, headers={"Retry-After": "3600"}, times=None)
        )
        run([CARDLINT, "facts", "demo/variant-3", "demo/variant-4", "--isolated"], env, log)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text("\n".join(log) + "\n")
    print("\n".join(log))


if __name__ == "__main__":
    main()
