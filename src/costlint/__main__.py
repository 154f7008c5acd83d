"""Allow `python -m costlint`."""

from costlint.cli import main

main()
