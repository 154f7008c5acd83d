"""Every format carries the same findings as the JSON report.

One `costlint scan` run writes all seven formats (six to files, text to
standard output), which also proves that each `--output` goes with the
`--format` before it. Each report is then read back with a parser of
its own format and reduced to (rule, file, line) per finding.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from costlint.cli import main

PROJECT = Path(__file__).parent / "fixtures" / "project"
Key = tuple[str, str, int]


def _from_json(text: str) -> Counter[Key]:
    doc = json.loads(text)
    return Counter((f["rule"], f["file"], f["line"]) for f in doc["findings"])


def _from_sarif(text: str) -> Counter[Key]:
    out: Counter[Key] = Counter()
    for result in json.loads(text)["runs"][0]["results"]:
        if result.get("suppressions"):
            continue
        where = result["locations"][0]["physicalLocation"]
        out[
            (
                result["ruleId"],
                unquote(where["artifactLocation"]["uri"]),
                where["region"]["startLine"],
            )
        ] += 1
    return out


def _from_junit(text: str) -> Counter[Key]:
    out: Counter[Key] = Counter()
    for case in ET.fromstring(text).iter("testcase"):
        if case.find("failure") is None:
            continue
        rule = case.get("classname", "").removeprefix("costlint.")
        where = case.get("name", "").split(" ", 1)[0]
        file, line = where.rsplit(":", 1)
        out[(rule, file, int(line))] += 1
    return out


def _from_gitlab(text: str) -> Counter[Key]:
    return Counter(
        (
            i["check_name"],
            i["location"]["path"],
            i["location"]["lines"]["begin"],
        )
        for i in json.loads(text)
        if i["check_name"] != "parse-error"
    )


_COMMAND = re.compile(r"^::(warning|error|notice) (?P<props>[^:]*)::")


def _from_github(text: str) -> Counter[Key]:
    out: Counter[Key] = Counter()
    for line in text.splitlines():
        match = _COMMAND.match(line)
        if match is None:
            continue
        props = dict(p.split("=", 1) for p in match["props"].split(","))
        file = props["file"].replace("%3A", ":").replace("%2C", ",")
        out[(props["title"], unquote(file), int(props["line"]))] += 1
    return out


_ROW = re.compile(r"^\| \w+ \| \[[^\]]*\]\((?P<file>[^#)]+)#L(?P<line>\d+)\)")


def _from_markdown(text: str) -> Counter[Key]:
    out: Counter[Key] = Counter()
    for line in text.splitlines():
        match = _ROW.match(line)
        if match is None:
            continue
        rule = re.findall(r"\| `([a-z0-9-]+)` \|", line)[-1]
        out[(rule, unquote(match["file"]), int(match["line"]))] += 1
    return out


_TEXT = re.compile(
    r"^(?P<file>\S+):(?P<line>\d+):\d+: \w+ (?P<rule>[a-z0-9-]+):"
)


def _from_text(text: str) -> Counter[Key]:
    out: Counter[Key] = Counter()
    for line in text.splitlines():
        match = _TEXT.match(line)
        if match and match["rule"] != "parse-error":
            out[(match["rule"], match["file"], int(match["line"]))] += 1
    return out


PARSERS = {
    "sarif": _from_sarif,
    "junit": _from_junit,
    "gitlab": _from_gitlab,
    "github": _from_github,
    "markdown": _from_markdown,
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("reports")
    args = ["scan", "--isolated", str(PROJECT)]
    for fmt in ("json", *PARSERS):
        args += ["--format", fmt, "--output", str(out / fmt)]
    args += ["--format", "text"]

    done = CliRunner().invoke(main, args)

    assert done.exit_code == 1, done.output
    texts = {fmt: (out / fmt).read_text() for fmt in ("json", *PARSERS)}
    texts["text"] = done.stdout
    return texts


def test_json_has_findings(reports: dict[str, str]) -> None:
    found = _from_json(reports["json"])

    assert sum(found.values()) == 6
    assert json.loads(reports["json"])["summary"]["suppressed"] == 1


@pytest.mark.parametrize("fmt", [*PARSERS, "text"])
def test_format_carries_the_json_findings(
    fmt: str,
    reports: dict[str, str],
) -> None:
    parse = {**PARSERS, "text": _from_text}[fmt]

    assert parse(reports[fmt]) == _from_json(reports["json"])
