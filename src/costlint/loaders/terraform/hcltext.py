"""A fast outline of HCL source: blocks, attributes and where they are.

tfparse evaluates Terraform but keeps only block-level line numbers and
drops the expressions it evaluated. This outline keeps both: the line
and column of every attribute and nested block, and each attribute's
expression as written, which is what tells whether an evaluated value
is complete. It is an outline, not a validator: input that is not valid
HCL is parsed by python-hcl2 for the error position instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SIMPLE = re.compile(
    r"""
    (?P<nl>\n)
    | (?P<ws>[ \t\r\f]+)
    | (?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
    | (?P<heredoc><<-?(?P<tag>[A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n)
    | (?P<ident>[A-Za-z_][A-Za-z0-9_\-]*)
    | (?P<number>[0-9][0-9.eE+\-]*)
    | (?P<op>==|!=|<=|>=|=>|&&|\|\||\.\.\.)
    | (?P<punct>[{}\[\]()=,.:?!<>+\-*/%])
    """,
    re.VERBOSE | re.DOTALL,
)

_OPEN = {"{": "}", "[": "]", "(": ")"}
_CLOSE = {"}", "]", ")"}


@dataclass(frozen=True)
class Token:
    """One lexical token with its offsets and 1-based position."""

    kind: str
    text: str
    start: int
    end: int
    line: int
    column: int


@dataclass(frozen=True)
class TextAttr:
    """An attribute as written: name, position and expression text."""

    name: str
    line: int
    column: int
    expr: str


@dataclass
class TextBlock:
    """A block as written, with its attributes and nested blocks."""

    type: str
    labels: tuple[str, ...]
    line: int
    column: int
    end_line: int = 0
    attrs: dict[str, TextAttr] = field(default_factory=dict)
    blocks: list[TextBlock] = field(default_factory=list)

    def blocks_named(self, name: str) -> list[TextBlock]:
        """Nested blocks of one type, in source order."""
        return [block for block in self.blocks if block.type == name]


class _Lexer:
    """Turns HCL text into tokens, keeping strings and heredocs whole."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.line_start = 0
        self.tokens: list[Token] = []

    def run(self) -> list[Token]:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == '"':
                self._emit("string", self._string_end(self.pos + 1))
                continue

            match = _SIMPLE.match(self.text, self.pos)
            if match is None:
                self._emit("other", self.pos + 1)
                continue

            kind = match.lastgroup or "other"
            if kind == "tag":
                kind = "heredoc"
            if kind == "heredoc":
                self._emit("heredoc", self._heredoc_end(match))
            elif kind in ("ws", "comment"):
                self._advance(match.end())
            else:
                self._emit(kind, match.end())
        return self.tokens

    def _emit(self, kind: str, end: int) -> None:
        column = self.pos - self.line_start + 1
        token = Token(
            kind,
            self.text[self.pos : end],
            self.pos,
            end,
            self.line,
            column,
        )
        self.tokens.append(token)
        self._advance(end)

    def _advance(self, end: int) -> None:
        chunk = self.text[self.pos : end]
        newlines = chunk.count("\n")
        if newlines:
            self.line += newlines
            self.line_start = self.pos + chunk.rfind("\n") + 1
        self.pos = end

    def _string_end(self, pos: int) -> int:
        """Offset just past the string that opens before `pos`."""
        text = self.text
        while pos < len(text):
            char = text[pos]
            if char == "\\":
                pos += 2
            elif char == '"':
                return pos + 1
            elif char == "\n":
                return pos
            elif text.startswith(("${", "%{"), pos):
                if pos > 0 and text[pos - 1] == text[pos]:
                    pos += 2
                else:
                    pos = self._template_end(pos + 2)
            else:
                pos += 1
        return pos

    def _template_end(self, pos: int) -> int:
        """Offset just past the `}` closing an interpolation."""
        text = self.text
        depth = 1
        while pos < len(text) and depth:
            char = text[pos]
            if char == '"':
                pos = self._string_end(pos + 1)
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            pos += 1
        return pos

    def _heredoc_end(self, match: re.Match[str]) -> int:
        tag = match.group("tag")
        pattern = re.compile(
            r"^[ \t]*" + re.escape(tag) + r"[ \t]*\r?$",
            re.MULTILINE,
        )
        found = pattern.search(self.text, match.end())
        return found.end() if found else len(self.text)


class _Parser:
    """Builds the block outline from tokens, skipping what it cannot use."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0

    def body(
        self, closing: bool
    ) -> tuple[dict[str, TextAttr], list[TextBlock]]:
        attrs: dict[str, TextAttr] = {}
        blocks: list[TextBlock] = []
        while self.index < len(self.tokens):
            token = self.tokens[self.index]
            if token.kind == "nl" or token.text == ",":
                self.index += 1
            elif token.text == "}":
                if closing:
                    return attrs, blocks
                self.index += 1
            elif token.kind == "ident":
                self._item(token, attrs, blocks)
            else:
                self._skip_line()
        return attrs, blocks

    def _item(
        self,
        head: Token,
        attrs: dict[str, TextAttr],
        blocks: list[TextBlock],
    ) -> None:
        nxt = self._peek(1)
        if nxt is not None and nxt.text in ("=", ":"):
            self.index += 2
            attrs.setdefault(head.text, self._attribute(head))
            return

        labels: list[str] = []
        offset = 1
        while True:
            label = self._peek(offset)
            if label is None or label.kind not in ("string", "ident"):
                break
            labels.append(label.text.strip('"'))
            offset += 1
        brace = self._peek(offset)
        if brace is None or brace.text != "{":
            self._skip_line()
            return

        self.index += offset + 1
        block = TextBlock(head.text, tuple(labels), head.line, head.column)
        block.attrs, block.blocks = self.body(closing=True)
        close = self._peek(0)
        block.end_line = close.line if close is not None else head.line
        self.index += 1
        blocks.append(block)

    def _attribute(self, head: Token) -> TextAttr:
        start = self.index
        depth = 0
        while self.index < len(self.tokens):
            token = self.tokens[self.index]
            if token.text in _OPEN:
                depth += 1
            elif token.text in _CLOSE:
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (token.kind == "nl" or token.text == ","):
                break
            self.index += 1

        if self.index == start:
            expr = ""
        else:
            first = self.tokens[start].start
            last = self.tokens[self.index - 1].end
            expr = self.text[first:last]
        return TextAttr(head.text, head.line, head.column, expr)

    def _skip_line(self) -> None:
        """Skip to the end of a line that is not an item, always moving.

        A stray `)` or `]` is consumed; only `}` at depth 0 is left for
        the enclosing body to close on.
        """
        depth = 0
        start = self.index
        while self.index < len(self.tokens):
            token = self.tokens[self.index]
            if token.text in _OPEN:
                depth += 1
            elif token.text in _CLOSE:
                if depth == 0 and token.text == "}":
                    if self.index == start:
                        self.index += 1
                    return
                depth = max(depth - 1, 0)
            elif token.kind == "nl" and depth == 0:
                return
            self.index += 1

    def _peek(self, offset: int) -> Token | None:
        at = self.index + offset
        return self.tokens[at] if at < len(self.tokens) else None


def outline(text: str) -> list[TextBlock]:
    """Top-level blocks of an HCL file, with nested structure."""
    tokens = _Lexer(text).run()
    parser = _Parser(text, tokens)
    _attrs, blocks = parser.body(closing=False)
    return blocks


def top_level_attrs(text: str) -> dict[str, TextAttr]:
    """Attributes at the top level, as in a `.tfvars` file."""
    tokens = _Lexer(text).run()
    attrs, _blocks = _Parser(text, tokens).body(closing=False)
    return attrs


def is_blank(text: str) -> bool:
    """Whether the text holds nothing but comments and white space."""
    return all(token.kind == "nl" for token in _Lexer(text).run())


def tokens(text: str) -> list[Token]:
    """The tokens of an HCL text, comments and white space left out."""
    return _Lexer(text).run()
