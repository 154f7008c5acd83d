"""Scan third-party SCPs (../shared/corpus/scp) and summarise the result.

Real SCPs nobody here wrote must load without a crash. This prints,
for the corpus as one scan and for each file alone, what costlint says:
parse problems, findings per rule, unresolved notes, and the time the
scan took. The tag-enforcement rule judges the whole scan as one SCP
set, so the per-file pass runs without it.

Usage: python benchmarks/scp_corpus.py [CORPUS_DIR]
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections import Counter
from pathlib import Path

from costlint.config import Settings, load_settings
from costlint.engine import scan

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "scp"


def _settings(with_gap: bool) -> Settings:
    settings = load_settings(Path.cwd(), isolated=True)
    rules = dict(settings.rules)
    gap = rules["scp-tag-enforcement-gap"]
    rules["scp-tag-enforcement-gap"] = dataclasses.replace(
        gap,
        enabled=with_gap,
    )
    return dataclasses.replace(settings, rules=rules)


def main(argv: list[str]) -> int:
    """Print the summary; exit 1 when the corpus is missing."""
    corpus = Path(argv[1]) if len(argv) > 1 else DEFAULT
    if not corpus.is_dir():
        print(f"no corpus at {corpus}")
        return 1

    started = time.perf_counter()
    whole = scan([corpus], _settings(with_gap=True))
    elapsed = time.perf_counter() - started
    print(f"corpus: {corpus}")
    print(
        f"as one set: {whole.files} files, {whole.resources} SCPs, "
        f"{len(whole.findings)} findings, {len(whole.problems)} parse "
        f"problems, {len(whole.unresolved)} unresolved, {elapsed:.2f} s",
    )
    for rule, count in sorted(Counter(f.rule for f in whole.findings).items()):
        print(f"  {rule}: {count}")
    for problem in whole.problems:
        print(f"  {problem}")

    print("per file (without scp-tag-enforcement-gap):")
    settings = _settings(with_gap=False)
    for path in sorted(corpus.rglob("*.json")):
        result = scan([path], settings)
        rel = path.relative_to(corpus)
        if result.problems:
            print(f"  {rel}: {result.problems[0].reason}")
        elif not result.resources:
            print(f"  {rel}: not an SCP")
        elif result.findings:
            for finding in result.findings:
                loc = finding.location
                print(
                    f"  {rel}:{loc.line}: {finding.rule}: {finding.message}",
                )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
