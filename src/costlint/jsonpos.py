"""Where each value of a JSON document is written: line and column.

`json.loads` gives values but no positions, and findings in plans and
SCPs must point at a line. This scanner walks the text once (after
`json.loads` has accepted it) and maps every value's path, a tuple of
keys and indexes, to the 1-based line and column where it starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

JsonPath = tuple[str | int, ...]

_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+',
    re.DOTALL,
)
_ESCAPE = re.compile(r'\\(["\\/bfnrt]|u[0-9a-fA-F]{4})')
_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _unescape(raw: str) -> str:
    body = raw[1:-1]
    if "\\" not in body:
        return body

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("u"):
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code)

    return _ESCAPE.sub(one, body)


class _Cursor:
    """Tokens with line and column, computed lazily from offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [(m.group(0), m.start()) for m in _TOKEN.finditer(text)]
        self.index = 0
        self._line_starts = [0]
        self._line_starts.extend(m.end() for m in re.finditer("\n", text))

    def next(self) -> tuple[str, int]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def peek(self) -> str:
        return self.tokens[self.index][0]

    def position(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self._line_starts[lo] + 1


def json_positions(
    text: str,
    max_depth: int | None = None,
) -> dict[JsonPath, tuple[int, int]]:
    """Line and column of each value, by path, for valid JSON text.

    `max_depth` stops recording below that many path segments, which
    keeps large plans cheap when only the first levels are needed.
    """
    cursor = _Cursor(text)
    found: dict[JsonPath, tuple[int, int]] = {}
    if cursor.tokens:
        for path, offset in _walk(cursor, (), max_depth):
            found[path] = cursor.position(offset)
    return found


def _walk(
    cursor: _Cursor,
    path: JsonPath,
    max_depth: int | None,
) -> Iterator[tuple[JsonPath, int]]:
    """Yield (path, offset) for the value at the cursor and below."""
    stack: list[tuple[JsonPath, str, int]] = []
    token, offset = cursor.next()
    record = max_depth is None or len(path) <= max_depth
    if record:
        yield path, offset
    if token not in "{[" or len(token) != 1:
        return

    stack.append((path, token, 0))
    while stack:
        here, kind, count = stack[-1]
        token, offset = cursor.next()
        if token in ("}", "]"):
            stack.pop()
            continue
        if token == ",":
            continue

        if kind == "{":
            key: str | int = _unescape(token)
            cursor.next()
            token, offset = cursor.next()
        else:
            key = count
        stack[-1] = (here, kind, count + 1)

        child = (*here, key)
        if max_depth is None or len(child) <= max_depth:
            yield child, offset
        if token in ("{", "["):
            stack.append((child, token, 0))
