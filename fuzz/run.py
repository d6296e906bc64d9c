"""Coverage-guided fuzzing of the whole `check` pipeline (atheris / libFuzzer), run by hand.

    python fuzz/run.py --minutes 15

Seeds: the evaluation corpus cards (copied to fuzz/corpus/seeds at run time, never committed) plus the cards
we wrote under tests/cards. New inputs libFuzzer finds go to fuzz/corpus/work, so a later run resumes.
An exception is a bug: it is saved once per distinct signature under fuzz/corpus/crashes (input + traceback)
and the campaign goes on; a hang or memory blow-up stops libFuzzer, which is restarted until time is up.
Every crash found should become a regression test in tests/test_fuzz_regressions.py.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS_CARDS = ROOT.parent / "shared" / "corpus" / "cards"
WORK = HERE / "corpus"
STATS = WORK / "stats.json"


def _prepare_seeds() -> Path:
    seeds = WORK / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    sources = [*sorted(CORPUS_CARDS.glob("*.md")), *sorted((ROOT / "tests" / "cards").rglob("*.md"))]
    if not CORPUS_CARDS.is_dir():
        print(f"note: no corpus at {CORPUS_CARDS}; seeding with tests/cards only", file=sys.stderr)
    for source in sources:
        name = hashlib.sha1(str(source).encode()).hexdigest()[:12] + ".md"
        shutil.copyfile(source, seeds / name)
    for index, text in enumerate(_OTHER_SEEDS):  # the other readers every_reader drives
        (seeds / f"other-{index}.txt").write_text(text, encoding="utf-8")
    return seeds


# config.json, safetensors-header and cardlint.toml shapes, written for the fuzzer (no real file copied)
_OTHER_SEEDS = (
    '{"model_type": "llama", "hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32,'
    ' "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 32000,'
    ' "tie_word_embeddings": false}',
    '{"model_type": "mixtral", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,'
    ' "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 32000, "num_local_experts": 8,'
    ' "num_experts_per_tok": 2}',
    '{"model_type": "llava", "text_config": {"model_type": "llama", "hidden_size": 64,'
    ' "num_hidden_layers": 2,'
    ' "num_attention_heads": 4, "vocab_size": 100, "intermediate_size": 128}, "vision_config":'
    ' {"hidden_size": 32, "num_hidden_layers": 2, "patch_size": 14, "image_size": 224}}',
    '{"__metadata__": {"format": "pt"}, "model.embed_tokens.weight": {"dtype": "BF16",'
    ' "shape": [32000, 4096],'
    ' "data_offsets": [0, 262144000]}, "lm_head.weight": {"dtype": "F32", "shape": [4096], "data_offsets":'
    " [262144000, 262160384]}}",
    '[tool.cardlint]\nselect = ["CL1", "CL3"]\nignore = ["CL113"]\nfail-on = "error"\nas-of = 2025-08-02\n'
    '[tool.cardlint.per-file-ignores]\n"models/*.md" = ["CL2"]\n'
    "[tool.cardlint.limits]\nmax_card_bytes = 1000\n"
    "[tool.cardlint.utilisation]\nlow = 0.2\ncentral = 0.4\nhigh = 0.6\n",
    'select = ["ALL"]\n[[hardware]]\nid = "npu-2"\nname = "Acme NPU 2"\npeak_flops_bf16 = 4.0e14\n',
)


def _crash_signature(exc: BaseException) -> str:
    """Exception type plus the innermost cardlint frame: one file per distinct bug, not per input."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "cardlint" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__}@{where}"


def child(argv: list[str], packages: list[str]) -> None:
    """Inside the libFuzzer process: instrument `packages` (cardlint; PyYAML and markdown_it optionally,
    which finds more paths but runs about half as fast) and fuzz `check_bytes`."""
    import atheris

    with atheris.instrument_imports(include=packages):
        sys.path.insert(0, str(HERE))
        from harness import check_bytes, every_reader

        # the pipeline imports most stages lazily: run one card here so they load instrumented too
        for seed in sorted((WORK / "seeds").glob("*.md"))[:40]:
            with contextlib.suppress(Exception):  # a seed that crashes is found again by the campaign
                check_bytes(seed.read_bytes())

    crashes = WORK / "crashes"
    crashes.mkdir(parents=True, exist_ok=True)
    counter = {"runs": 0, "started": time.time()}

    def flush() -> None:
        previous = json.loads(STATS.read_text()) if STATS.exists() else {}
        previous.setdefault("runs_done", 0)
        STATS.write_text(json.dumps({**previous, "current_runs": counter["runs"]}))

    def one_input(data: bytes) -> None:
        counter["runs"] += 1
        if counter["runs"] % 20 == 0:
            flush()
        try:
            every_reader(data)
        except Exception as exc:  # every exception is a finding of the campaign
            signature = _crash_signature(exc)
            stem = hashlib.sha1(signature.encode()).hexdigest()[:12]
            if not (crashes / f"{stem}.bin").exists():
                (crashes / f"{stem}.bin").write_bytes(data)
                (crashes / f"{stem}.txt").write_text(signature + "\n" + traceback.format_exc())
                print(f"CRASH {signature} -> {crashes / stem}.bin", file=sys.stderr, flush=True)

    import atexit

    atexit.register(flush)
    atheris.Setup([sys.argv[0], *argv], one_input)
    atheris.Fuzz()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--max-len", type=int, default=65536)
    parser.add_argument("--timeout", type=int, default=20, help="seconds before one input counts as a hang")
    parser.add_argument(
        "--instrument",
        default="cardlint",
        help="packages to instrument, comma-separated (cardlint,yaml,markdown_it)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.child:
        child(rest, args.instrument.split(","))
        return
    seeds = _prepare_seeds()
    found = WORK / "work"
    found.mkdir(parents=True, exist_ok=True)
    (WORK / "crashes").mkdir(parents=True, exist_ok=True)
    STATS.write_text(json.dumps({"runs_done": 0}))
    deadline = time.time() + args.minutes * 60
    started, restarts, total_runs = time.time(), 0, 0
    while (remaining := int(deadline - time.time())) > 5:
        command = [
            sys.executable,
            __file__,
            "--child",
            f"--instrument={args.instrument}",
            f"-max_total_time={remaining}",
            f"-max_len={args.max_len}",
            f"-timeout={args.timeout}",
            "-rss_limit_mb=3072",
            f"-dict={HERE / 'cardlint.dict'}",
            f"-artifact_prefix={WORK / 'crashes'}/",
            "-print_final_stats=1",
            "-report_slow_units=5",
            str(found),
            str(seeds),
        ]
        completed = subprocess.run(command, env={**os.environ, "PYTHONHASHSEED": "0"}, check=False)
        stats = json.loads(STATS.read_text()) if STATS.exists() else {}
        total_runs += int(stats.get("current_runs", 0))
        STATS.write_text(json.dumps({"runs_done": total_runs}))
        if completed.returncode != 0 and int(deadline - time.time()) > 5:
            restarts += 1
            print(f"libFuzzer stopped (exit {completed.returncode}); restarting", file=sys.stderr)
    crash_files = sorted((WORK / "crashes").glob("*"))
    summary = {
        "minutes": round((time.time() - started) / 60, 1),
        "inputs_run": total_runs,
        "restarts": restarts,
        "corpus_size": len(list(found.iterdir())),
        "artifacts": [p.name for p in crash_files],
    }
    print(json.dumps(summary, indent=2))
    (WORK / "summary.json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
