"""Lines in the plan file itself, for resources without `.tf` source.

A full position scan of a large plan (`costlint.jsonpos`) costs about
ten times `json.loads`, so the line of each resource entry is found by
one search for its `"address"` key, and the positions of its values are
scanned only for resources a finding is reported on, on first use.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping

from costlint.jsonpos import json_positions
from costlint.model import AttrPath, Location

_ADDRESS = re.compile(r'"address"\s*:\s*("(?:[^"\\]|\\.)*")')


class PlanText:
    """The text of one plan, with the offset of each entry's address."""

    def __init__(self, text: str, shown: str) -> None:
        self.text = text
        self.shown = shown
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._order: list[int] = []
        self._sections: dict[str, dict[str, int]] = {}
        for match in _ADDRESS.finditer(text):
            self._order.append(match.start())

    def _offsets(self, section: str) -> dict[str, int]:
        """First offset of each address after the `section` key."""
        if section in self._sections:
            return self._sections[section]
        head = re.search(r'"' + section + r'"\s*:', self.text)
        start = head.end() if head else 0
        found: dict[str, int] = {}
        for offset in self._order[bisect_right(self._order, start - 1) :]:
            match = _ADDRESS.match(self.text, offset)
            if match is None:
                continue
            try:
                address = json.loads(match.group(1))
            except ValueError:
                continue
            found.setdefault(address, offset)
        self._sections[section] = found
        return found

    def line_col(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of a character offset."""
        line = bisect_right(self._newlines, offset - 1)
        start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def locate(self, address: str, section: str) -> Location:
        """Where the entry of `address` in `section` names it."""
        offset = self._offsets(section).get(address)
        if offset is None:
            return Location(self.shown, 1, 1)
        line, column = self.line_col(offset)
        return Location(self.shown, line, column)

    def positions(
        self,
        address: str,
        section: str,
        key: str,
    ) -> LazyPositions:
        """Positions of the entry's `key` object (`values`), on demand."""
        offset = self._offsets(section).get(address)
        limit = len(self.text)
        if offset is not None:
            after = bisect_right(self._order, offset)
            if after < len(self._order):
                limit = self._order[after]
        return LazyPositions(self, offset, limit, key)


class LazyPositions(Mapping[AttrPath, Location]):
    """Attribute positions of one plan entry, scanned on first lookup."""

    def __init__(
        self,
        plan: PlanText,
        offset: int | None,
        limit: int,
        key: str,
    ) -> None:
        self._plan = plan
        self._offset = offset
        self._limit = limit
        self._key = key
        self._found: dict[AttrPath, Location] | None = None

    def _scan(self) -> dict[AttrPath, Location]:
        if self._found is not None:
            return self._found
        self._found = {}
        if self._offset is None:
            return self._found
        text = self._plan.text
        pattern = re.compile(r'"' + re.escape(self._key) + r'"\s*:\s*\{')
        match = pattern.search(text, self._offset, self._limit)
        if match is None:
            return self._found
        start = match.end() - 1
        try:
            _value, end = json.JSONDecoder().raw_decode(text, start)
        except ValueError:
            return self._found
        base_line, base_column = self._plan.line_col(start)
        for path, (line, column) in json_positions(text[start:end]).items():
            if not path:
                continue
            if line == 1:
                column += base_column - 1
            self._found[path] = Location(
                self._plan.shown,
                line + base_line - 1,
                column,
            )
        return self._found

    def __getitem__(self, path: AttrPath) -> Location:
        return self._scan()[path]

    def __iter__(self) -> Iterator[AttrPath]:
        return iter(self._scan())

    def __len__(self) -> int:
        return len(self._scan())
