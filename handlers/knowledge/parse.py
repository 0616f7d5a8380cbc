"""Turn one knowledge-base file (Markdown/MDX, HTML, plain text) into titled passages.

Pure functions over text: no files, no database. Markdown front matter gives the title
and an optional `audience` (handlers.knowledge.front_matter). MDX imports, exports and
JSX component tags are dropped (their inner text kept, and a `description` written for
the reader); documents are split at headings, and long sections at paragraphs.

A code block keeps its fences, bare ("```", no language word to index), and a block a
long section is cut in is fenced in each passage, so that the sentence splitter
(handlers.knowledge.sentences) takes every line of it for code: 'key="pricing-test",
variations=[...]' was quoted as prose for "What is the Enterprise plan price for 50
users?" (unanswerable declined explore 169 -> 170 of 181, nothing else moved).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from handlers.knowledge.front_matter import audience_of, split_front_matter
from handlers.knowledge.html_text import HTMLText

logger = logging.getLogger(__name__)

#: Passages longer than this are split at paragraph boundaries.
MAX_PASSAGE_CHARS = 1200
#: Shorter bodies are folded into the next passage of the same section.
MIN_PASSAGE_CHARS = 40

#: MDX `import ... from "..."` / `export ...` lines (module code, not prose).
MDX_IMPORT = re.compile(r"^(?:import|export)\s.*$", re.MULTILINE)
#: JSX/HTML tags (opening, closing, self-closing); inner text is kept.
TAG = re.compile(r"</?[A-Za-z][\w.:-]*(?:\s+[^<>]*?)?/?>", re.DOTALL)
#: A component attribute of prose for the reader (<CommercialFeature feature="scim"
#: description="... only supports Okta and Azure AD ..." />): fact coverage +0.001.
PROSE_ATTRIBUTE = re.compile(r'\bdescription=(?:"([^"]*)"|\'([^\']*)\')')
#: HTML and MDX comments.
COMMENT = re.compile(r"<!--.*?-->|\{/\*.*?\*/\}", re.DOTALL)
#: ATX headings: `## Section`.
HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$")
#: Markdown links and images: keep the label.
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
#: Code fences (```lang ... ```): their marker lines. Each is kept bare ("```": no
#: language word to index), so the sentence splitter knows its lines for code.
FENCE = re.compile(r"^\s*(```|~~~)")
BARE_FENCE = "```"


@dataclass(frozen=True)
class Section:
    """A passage before storage: its section heading path and text."""

    section: str
    body: str


@dataclass(frozen=True)
class ParsedDocument:
    title: str
    audience: tuple[str, ...] | None
    sections: tuple[Section, ...]
    url: str | None = None


def clean_mdx(text: str) -> str:
    """Drop MDX module lines, comments and component tags; keep the prose inside."""
    text = COMMENT.sub("", text)
    text = MDX_IMPORT.sub("", text)
    return TAG.sub(_prose_of_tag, text)


def _prose_of_tag(match: re.Match[str]) -> str:
    """A component tag's prose attributes, each a paragraph of its own; else nothing."""
    said = [a or b for a, b in PROSE_ATTRIBUTE.findall(match.group(0))]
    return "".join(f"\n\n{text.strip()}\n\n" for text in said if text.strip())


def _clean_line(line: str) -> str:
    line = LINK.sub(r"\1", line)
    return line.replace("**", "").replace("`", "").rstrip()


def _chunk(body: str) -> list[str]:
    """Split a long body at blank lines into pieces of at most MAX_PASSAGE_CHARS."""
    if len(body) <= MAX_PASSAGE_CHARS:
        return [body]
    pieces: list[str] = []
    current = ""
    for paragraph in re.split(r"\n\s*\n", body):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        while len(paragraph) > MAX_PASSAGE_CHARS:
            if current:
                pieces.append(current)
                current = ""
            cut = paragraph.rfind(" ", 0, MAX_PASSAGE_CHARS)
            cut = cut if cut > 0 else MAX_PASSAGE_CHARS
            pieces.append(paragraph[:cut])
            paragraph = paragraph[cut:].strip()
        if current and len(current) + len(paragraph) + 2 > MAX_PASSAGE_CHARS:
            pieces.append(current)
            current = paragraph
        else:
            current = f"{current}\n\n{paragraph}" if current else paragraph
    if current:
        pieces.append(current)
    return pieces


def prose_and_code(body: str) -> tuple[str, str]:
    """A passage body's prose lines and its code lines (those between fences), each
    joined by newlines; the fence lines themselves are in neither."""
    prose: list[str] = []
    code: list[str] = []
    in_code = False
    for line in body.splitlines():
        if FENCE.match(line):
            in_code = not in_code
        else:
            (code if in_code else prose).append(line)
    return "\n".join(prose), "\n".join(code)


def _fenced(pieces: list[str]) -> list[str]:
    """`pieces` of one body, each code block they cut closed at a piece's end and
    opened again at the next one's start (a piece's lines are code only between its
    own fences); a piece of nothing but fences is dropped."""
    out: list[str] = []
    in_code = False
    for piece in pieces:
        lines = piece.splitlines()
        opened = in_code
        for line in lines:
            if FENCE.match(line):
                in_code = not in_code
        text = "\n".join(
            ([BARE_FENCE] if opened else []) + lines + ([BARE_FENCE] if in_code else [])
        )
        if any(line.strip() and not FENCE.match(line) for line in lines):
            out.append(text)
    return out


def _sections_from_lines(lines: list[tuple[int, str] | str]) -> tuple[str | None, list[Section]]:
    """Lines are text or (level, heading). Returns the first H1 (if any) and sections."""
    first_h1: str | None = None
    path: list[tuple[int, str]] = []
    buffer: list[str] = []
    out: list[Section] = []

    def flush() -> None:
        body = "\n".join(buffer).strip()
        buffer.clear()
        if not body:
            return
        name = " › ".join(title for _, title in path)
        for piece in _fenced(_chunk(body)):
            out.append(Section(name, piece))

    for line in lines:
        if isinstance(line, tuple):
            level, title = line
            if level == 1 and first_h1 is None and not out and not "".join(buffer).strip():
                first_h1 = title
                continue
            flush()
            path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, title)]
        else:
            buffer.append(line)
    flush()
    return first_h1, _merge_small(out)


def _merge_small(sections: list[Section]) -> list[Section]:
    merged: list[Section] = []
    for section in sections:
        if (
            merged
            and len(merged[-1].body) < MIN_PASSAGE_CHARS
            and (merged[-1].section == section.section)
        ):
            previous = merged.pop()
            section = Section(section.section, f"{previous.body}\n\n{section.body}")
        merged.append(section)
    return merged


def parse_markdown(text: str, *, fallback_title: str) -> ParsedDocument:
    """Markdown or MDX: front matter, cleaned prose, split at headings."""
    meta, body = split_front_matter(text)
    body = clean_mdx(body)
    lines: list[tuple[int, str] | str] = []
    in_code = False
    for raw in body.splitlines():
        if FENCE.match(raw):
            in_code = not in_code
            lines.append(BARE_FENCE)
            continue
        heading = None if in_code else HEADING.match(raw)
        if heading:
            lines.append((len(heading.group(1)), _clean_line(heading.group(2))))
        else:
            lines.append(raw.rstrip() if in_code else _clean_line(raw))
    first_h1, sections = _sections_from_lines(lines)
    title = str(meta.get("title") or first_h1 or fallback_title).strip()
    description = str(meta.get("description") or "").strip()
    if description:
        sections = [Section("", description), *sections]
    url = meta.get("url")
    return ParsedDocument(
        title=title,
        audience=audience_of(meta),
        sections=tuple(sections),
        url=str(url) if url else None,
    )


def parse_text(text: str, *, fallback_title: str) -> ParsedDocument:
    """Plain text: the first line is the title when it is short, paragraphs chunked."""
    stripped = text.strip()
    first, _, rest = stripped.partition("\n")
    title = first.strip() if first and len(first) <= 120 and rest.strip() else fallback_title
    body = rest if title != fallback_title else stripped
    sections = tuple(Section("", piece) for piece in _chunk(body.strip()) if piece.strip())
    return ParsedDocument(title=title, audience=None, sections=sections)


def parse_html(text: str, *, fallback_title: str) -> ParsedDocument:
    """HTML: visible text (no scripts, styles, navigation), split at h1-h4."""
    parser = HTMLText()
    parser.feed(text)
    parser.close()
    parser.flush()
    first_h1, sections = _sections_from_lines(parser.lines)
    title = " ".join(parser.title.split()) or first_h1 or fallback_title
    return ParsedDocument(title=title, audience=None, sections=tuple(sections))


PARSERS = {
    ".md": parse_markdown,
    ".mdx": parse_markdown,
    ".markdown": parse_markdown,
    ".txt": parse_text,
    ".html": parse_html,
    ".htm": parse_html,
}


def parse_document(text: str, *, suffix: str, fallback_title: str) -> ParsedDocument:
    """Parse by file suffix (see PARSERS); raises KeyError for an unknown suffix."""
    return PARSERS[suffix.lower()](text, fallback_title=fallback_title)
