"""A passage body cut into quotable sentences: list items (with their wrapped lines)
and table rows count as one each, headings are left out, code and JSON/YAML lines
and labels (a short paragraph with no end punctuation) are marked, and a sentence
that introduces a short snippet ("Install it with:"), a list or a table carries it.
Pure functions.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass

from handlers.knowledge.terms import stem, tokens
from handlers.knowledge.words import STOP_WORDS

#: Sentence ends inside a line of prose.
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\"'(*\[])")
#: Code fences (their contents are code).
FENCE = re.compile(r"^\s*(```|~~~)")
#: Lines that are code or data rather than prose: JSON/YAML keys, braces, shell
#: prompts, comments, assignments and calls ending in a semicolon or brace.
CODE_LINE = re.compile(
    r"""^\s*(?:[{}\[\]]|["'][\w.-]+["']\s*:|[\w.-]+:\s*$|[\w.-]+:\s+["'{\[\d]|\$\s|"""
    r"""(?:import|export|const|let|var|def|class|return|from)\s|</?\w|//|->|\$\w+\s*=)"""
    r"""|[;{]\s*$|\w::\w|^\s*#\[|\w\(\s*$""",
)
#: A shell command's line that goes on on the next, indented, line (`docker run -d \`):
#: it and the line it continues are code (an unfenced command, in HTML or indented; a
#: backslash before an unindented line is Markdown's line break, in prose).
CONTINUATION = " \\"
#: What a Markdown table row's cells are joined with in a sentence ("Seats ; 5").
TABLE_CELL = ";"
#: Markdown table separator rows and heading markers.
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
HEADING = re.compile(r"^\s*#{1,6}\s")
#: A code line this short, right after a sentence ending in ":", is quoted with it.
COMMAND_CHARS = 120
#: A sentence introducing a list or table ("Each constant has one type:") carries
#: this many characters of its items or rows: it alone says nothing.
LIST_CHARS = 200
#: A list item or table row up to this long is one quotable unit.
ITEM_CHARS = 320
#: A bulleted or numbered list item. Its wrapped lines (indented, with no blank line
#: between) belong to it: "- A company might randomize so that everyone" /
#: "  at the company gets the same experience." is one item, not a fragment.
ITEM = re.compile(r"^(?:[-*]|\d+\.)\s")
DIGIT = re.compile(r"\d")
#: A paragraph of up to LABEL_WORDS plain words with no end punctuation is a label.
LABEL = re.compile(r"[A-Z][A-Za-z'’ -]*[A-Za-z]")
LABEL_WORDS = 8


@dataclass(frozen=True)
class Sentence:
    """One quotable unit of a passage, with its words and stems for scoring."""

    text: str
    position: int
    is_code: bool
    words: frozenset[str] = frozenset()
    present: frozenset[str] = frozenset()
    length: int = 0
    #: A table's header row ("Plan ; Limit ; Notes"): it names the columns, never a fact.
    is_header: bool = False
    #: A table row (the header included).
    is_row: bool = False
    #: A list item ("- String — a plain string value."), its marker left out.
    is_item: bool = False
    #: A paragraph that is a label ("Why checklists matter", an image's caption, a
    #: bold line standing for a heading): it names what follows, never a fact.
    is_label: bool = False

    @functools.cached_property
    def content_stems(self) -> frozenset[str]:
        """The stems of its words other than stop words (computed once a sentence)."""
        return frozenset(stem(w) for w in self.words if w not in STOP_WORDS)

    @classmethod
    def of(cls, text: str, position: int, *, is_code: bool) -> Sentence:
        words = tokens(text)
        unique = frozenset(words)
        present = unique | {stem(w) for w in unique}
        return cls(text, position, is_code, unique, present, len(words))


def has_number(sentence: Sentence) -> bool:
    return bool(DIGIT.search(sentence.text))


#: A capitalised word after the first one ("... supported in the Script Tag SDK").
NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][\w.-]+")


def has_name(sentence: Sentence) -> bool:
    return bool(NAME.search(sentence.text))


def sentences(body: str) -> list[Sentence]:
    """The sentences of a passage body, in order, code lines marked."""
    out: list[Sentence] = []
    in_code = False
    prose: list[str] = []

    def flush(*, whole: bool = False) -> None:
        text = " ".join(prose).strip()
        prose.clear()
        # A list item short enough stays one unit ("**Port**: 80 is recommended. 5432
        # also works."): its lead-in alone says nothing.
        listed = whole and len(text) <= ITEM_CHARS
        if not whole and LABEL.fullmatch(text) and len(tokens(text)) <= LABEL_WORDS:
            out.append(
                dataclasses.replace(Sentence.of(text, len(out), is_code=False), is_label=True)
            )
            return
        pieces = [text] if listed else SENTENCE.split(text)
        for piece in pieces:
            if len(tokens(piece)) >= 2:
                unit = Sentence.of(piece.strip(), len(out), is_code=False)
                out.append(dataclasses.replace(unit, is_item=True) if listed and item else unit)

    item = False  # the prose gathered is a list item (its wrapped lines join it)
    row: Sentence | None = None  # the last table row, to mark it the header at a rule
    continued = False  # the line before ended a shell command's line with a backslash
    lines = body.splitlines()
    for i, line in enumerate(lines):
        if FENCE.match(line):
            flush(whole=item)
            item = False
            in_code = not in_code
            continue
        stripped = line.strip()
        following = lines[i + 1] if i + 1 < len(lines) else ""
        command = continued
        continued = stripped.endswith(CONTINUATION) and following[:1].isspace()
        if in_code or command or continued or CODE_LINE.search(line):
            flush(whole=item)
            item = False
            if stripped and len(tokens(stripped)) >= 1:
                out.append(Sentence.of(stripped, len(out), is_code=True))
            continue
        if not stripped or HEADING.match(line) or TABLE_RULE.match(line):
            flush(whole=item)
            item = False
            if TABLE_RULE.match(line) and out and out[-1].is_row and out[-1] is row:
                out[-1] = dataclasses.replace(out[-1], is_header=True)  # the row above the rule
            continue
        if ITEM.match(stripped) or stripped.startswith("|"):
            flush(whole=item)  # a list item or table row stands alone
            prose.append(stripped.strip("|-* ").replace(" | ", f"{TABLE_CELL} "))
            item = not stripped.startswith("|")
            if not item:
                before = len(out)
                flush(whole=True)
                if len(out) > before:
                    row = out[-1] = dataclasses.replace(out[-1], is_row=True, is_item=False)
            continue
        if item and not line[:1].isspace():
            flush(whole=True)  # an unindented line after an item starts a paragraph
            item = False
        prose.append(stripped.lstrip("> "))
    flush(whole=item)
    return _with_answers(_with_commands(out))


def _with_answers(units: list[Sentence]) -> list[Sentence]:
    """A question the page asks itself ("Can I set project roles via SCIM?") is one
    unit with the sentence that answers it ("No, only the global role."): the
    question alone restates what was asked, the answer alone lacks its subject."""
    out: list[Sentence] = []
    skip = False
    for i, unit in enumerate(units):
        if skip:
            skip = False
            continue
        after = units[i + 1] if i + 1 < len(units) else None
        if (
            after is not None
            and not unit.is_code
            and not after.is_code
            and unit.text.endswith("?")
            and not after.text.endswith("?")
            and len(unit.text) + len(after.text) < ITEM_CHARS
        ):
            unit = Sentence.of(f"{unit.text} {after.text}", len(out), is_code=False)
            skip = True
        elif unit.position != len(out):
            unit = dataclasses.replace(unit, position=len(out))
        out.append(unit)
    return out


def _with_commands(units: list[Sentence]) -> list[Sentence]:
    """A sentence that introduces a short command or snippet ("Install it with:")
    carries it (code lines, or lines that are not sentences; up to COMMAND_CHARS in
    all), so quoting it quotes what it introduces. A
    table it introduces brings its first rows, not the header row that only names
    the columns ("Supported in: JavaScript ; 1.7.0 or higher; ..."), and a list its
    first items (up to LIST_CHARS)."""
    out: list[Sentence] = []
    for i, unit in enumerate(units):
        following = units[i + 1] if i + 1 < len(units) else None
        if not unit.is_code and unit.text.endswith(":") and following and following.is_item:
            items = _items(units[i + 1 :])
            text = " ".join(t if t.endswith((".", "!", "?", ";")) else f"{t};" for t in items)
            unit = Sentence.of(f"{unit.text} {text.rstrip(';')}", unit.position, is_code=False)
        elif not unit.is_code and unit.text.endswith(":"):
            lines: list[str] = []
            rows = False
            for after in units[i + 1 :]:
                if after.is_header and not lines:
                    rows = True
                    continue
                if not after.is_code and after.text.endswith((".", "!", "?", ":")):
                    break
                budget = LIST_CHARS if rows else COMMAND_CHARS
                if sum(len(line) + 1 for line in lines) + len(after.text) > budget:
                    break
                lines.append(" ".join(after.text.split()))
            if lines and rows:
                text = f"{unit.text} {' | '.join(lines)}"
                unit = Sentence.of(text, unit.position, is_code=False)
            elif lines:
                unit = Sentence.of(f"{unit.text} `{' '.join(lines)}`", unit.position, is_code=False)
        out.append(unit)
    return out


def _items(units: list[Sentence]) -> list[str]:
    """The texts of the list items `units` open with, up to LIST_CHARS (the first
    one always)."""
    items: list[str] = []
    used = 0
    for unit in units:
        if not unit.is_item or (items and used + len(unit.text) + 2 > LIST_CHARS):
            break
        items.append(unit.text)
        used += len(unit.text) + 2
    return items
