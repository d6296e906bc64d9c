"""Show the CI formats (SARIF, github annotations, Markdown) for one real corpus card, for the issue note.

Usage: python bench/ci_formats_demo.py [CARD_FILE_NAME]   (a file in ../shared/corpus/cards; default below)
Writes bench/out/ci-demo/<name>.{sarif,github.txt,md} and prints the github output and the summary.
Skips cleanly without ../shared. The card is copied to bench/out/ci-demo/<name>/README.md so the paths in
the output are short and repository-relative.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from corpus import CORPUS, OUT, require_corpus

DEFAULT_CARD = "EleutherAI__gpt-neox-20b.md"


def main() -> None:
    require_corpus()
    name = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_CARD
    demo = OUT / "ci-demo"
    folder = demo / name.removesuffix(".md")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CORPUS / "cards" / name, folder / "README.md")
    target = os.path.relpath(folder / "README.md", demo)
    env = {**os.environ, "GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""}
    for fmt, suffix in (("sarif", "sarif"), ("github", "github.txt"), ("markdown", "md")):
        result = subprocess.run(
            [sys.executable, "-m", "cardlint", "check", "--format", fmt, target],
            cwd=demo,
            capture_output=True,
            text=True,
            env=env,
        )
        (demo / f"{folder.name}.{suffix}").write_text(result.stdout, encoding="utf-8")
        print(f"== {fmt} (exit {result.returncode}) -> {demo / f'{folder.name}.{suffix}'}")
        if fmt != "sarif":
            print(result.stdout)
        if result.stderr:
            print(result.stderr, file=sys.stderr)


if __name__ == "__main__":
    main()
