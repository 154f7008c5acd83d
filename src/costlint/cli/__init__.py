"""The `costlint` command line: parse options, call plain functions.

Exit codes (one enum, shown in `--help`): 0 no finding at or above
`--fail-on`; 1 such findings; 2 the scan could not be done (a file that
cannot be parsed, bad config, a usage error or an internal error, whose
traceback shows only under `-vv`).
"""

from __future__ import annotations

from costlint.cli import (
    baseline_cmd,
    generate_cmd,
    rules_cmd,
    scan_cmd,
    scp_cmd,
)
from costlint.cli.app import ExitCode, main
from costlint.cli.scan_cmd import exit_code_for

# The command modules register themselves on `main` when imported.
COMMANDS = (baseline_cmd, generate_cmd, rules_cmd, scan_cmd, scp_cmd)

__all__ = ["COMMANDS", "ExitCode", "exit_code_for", "main"]
