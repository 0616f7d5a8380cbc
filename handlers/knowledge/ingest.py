"""Fill the knowledge base from files: incremental by content hash, one transaction a file.

`ingest(deps, paths)` walks each path (a folder or a file), skips files whose content
hash is unchanged (the hash of the file and of PARSER_VERSION: a parser that reads a
file differently re-reads every file at the next ingest), replaces changed ones,
removes documents whose file is gone from an ingested folder (a file ingest removes
nothing), and reports (without stopping) files that are unreadable, binary, too large,
empty, not regular files, outside the folder being ingested (a symlink), or whose
front matter cannot be read (a restriction that cannot be read is never published to
everyone). Each file is stored in its own transaction together with its full-text
index entries, so an interruption never leaves a half-indexed document.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from handlers.deps import Deps
from handlers.knowledge.enrich import embed_missing, ingest_glossaries
from handlers.knowledge.front_matter import FrontMatterError
from handlers.knowledge.parse import PARSERS, ParsedDocument, parse_document
from storage import kb as kb_store

logger = logging.getLogger(__name__)

#: Bumped whenever parsing changes what a file's passages are (their text, their
#: sections), so that documents ingested by an older parser are parsed again; their
#: unchanged passages keep their embeddings (storage.kb.replace_document).
#: 2: code blocks keep bare fences (handlers.knowledge.parse).
PARSER_VERSION = 2
#: Files larger than this are skipped (a knowledge-base page is far smaller).
MAX_FILE_BYTES = 2_000_000
#: Folders never walked.
_SKIP_DIRS = frozenset({".git", "node_modules", "__pycache__", ".venv"})


@dataclass
class IngestReport:
    """What an ingest did; `problems` lists (path, reason) of skipped bad files."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    passages: int = 0
    embedded: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def files(self) -> int:
        return self.added + self.updated + self.unchanged + len(self.problems)


#: Progress callback: (event, detail) with event "files" (total), "file" (path, passages).
Progress = Callable[[str, str, int], None]


def _noop(event: str, detail: str, count: int) -> None:
    return None


@dataclass(frozen=True)
class _Candidate:
    root: Path
    path: Path

    @property
    def source(self) -> str:
        return (
            self.path.name
            if self.root == self.path
            else self.path.relative_to(self.root).as_posix()
        )

    @property
    def in_folder(self) -> bool:
        """Found by walking a folder (rather than named on its own)."""
        return self.root != self.path

    @property
    def root_key(self) -> str:
        return str((self.root if self.in_folder else self.root.parent).resolve())


def collect(paths: Sequence[Path]) -> tuple[list[_Candidate], list[tuple[str, str]]]:
    """Every supported file under `paths` (folders walked, sorted), and the (source,
    reason) of files left out because a symlink leads outside their folder."""
    found: list[_Candidate] = []
    outside: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            top = path.resolve()
            for file in sorted(path.rglob("*")):
                if (
                    file.is_file()
                    and file.suffix.lower() in PARSERS
                    and not (_SKIP_DIRS & set(file.relative_to(path).parts))
                ):
                    candidate = _Candidate(path, file)
                    if file.resolve().is_relative_to(top):
                        found.append(candidate)
                    else:
                        outside.append((candidate.source, "a link to outside the folder"))
        elif path.exists():
            found.append(_Candidate(path, path))
    return found, outside


def read_text(path: Path) -> tuple[str | None, str, str]:
    """(text, sha256, problem): text is None when the file is bad, problem says why.

    Only a regular file is opened, and never more than MAX_FILE_BYTES + 1 bytes of it
    are read: a device (`/dev/zero`), a pipe or a huge sparse file is refused unread.
    """
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, "", "not a regular file"
        if info.st_size > MAX_FILE_BYTES:
            return None, "", f"too large ({info.st_size} bytes, limit {MAX_FILE_BYTES})"
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since stat
                return None, "", "not a regular file"
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, "", f"unreadable: {exc.strerror or exc}"
    if len(raw) > MAX_FILE_BYTES:
        return None, "", f"too large (over {MAX_FILE_BYTES} bytes)"
    if b"\x00" in raw[:8192]:
        return None, "", "binary content"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "", "not UTF-8 text"
    return text, hashlib.sha256(raw).hexdigest(), ""


def _passages(parsed: ParsedDocument) -> list[kb_store.PassageIn]:
    return [
        kb_store.PassageIn(title=parsed.title, section=s.section, body=s.body)
        for s in parsed.sections
        if s.body.strip()
    ]


async def ingest(
    deps: Deps,
    paths: Sequence[Path],
    *,
    progress: Progress = _noop,
) -> IngestReport:
    """Ingest files and folders into the knowledge base.

    Args:
        paths: folders (walked recursively) or single files. A document's source is its
            path relative to the folder it was found in (a single file: its name).
        progress: called with ("files", "", total) once, then ("file", source, passages)
            after each file.

    Returns:
        An IngestReport; bad files are listed in `problems`, never raised.
    """
    report = IngestReport()
    candidates, outside = collect(paths)
    for path in paths:
        if not path.exists():
            report.problems.append((str(path), "no such file or folder"))
    for source, reason in outside:
        report.problems.append((source, reason))
        logger.warning("skipped %s: %s", source, reason)
    progress("files", "", len(candidates))
    seen: dict[str, set[str]] = {}
    known: dict[str, dict[str, str]] = {}
    for candidate in candidates:
        root = candidate.root_key
        if root not in known:
            async with deps.sessions() as session:
                known[root] = await kb_store.list_document_hashes(session, root)
        if candidate.in_folder:  # only a folder's walk says what is gone from it
            seen.setdefault(root, set()).add(candidate.source)
        count = await _ingest_one(deps, candidate, known[root], report)
        progress("file", candidate.source, count)
    for root, sources in seen.items():
        gone = sorted(set(known[root]) - sources)
        if gone:
            async with deps.sessions() as session, session.begin():
                report.removed += await kb_store.delete_documents(session, root, gone)
    for path in paths:
        key = str(path.resolve())
        if path.is_dir() and key not in seen:
            # An emptied folder: everything that came from it is gone.
            async with deps.sessions() as session, session.begin():
                stale = list(await kb_store.list_document_hashes(session, key))
                report.removed += await kb_store.delete_documents(session, key, stale)
    report.problems += await ingest_glossaries(deps, paths)
    report.embedded, problems = await embed_missing(deps)
    report.problems += problems
    logger.info(
        "ingest: %d added, %d updated, %d unchanged, %d removed, %d problems",
        report.added, report.updated, report.unchanged, report.removed, len(report.problems),
    )  # fmt: skip
    return report


async def _ingest_one(
    deps: Deps,
    candidate: _Candidate,
    known: dict[str, str],
    report: IngestReport,
) -> int:
    source = candidate.source
    if candidate.path.suffix.lower() not in PARSERS:
        report.problems.append((source, f"not a supported file type ({', '.join(PARSERS)})"))
        return 0
    text, digest, problem = read_text(candidate.path)
    if text is None:
        report.problems.append((source, problem))
        logger.warning("skipped %s: %s", source, problem)
        return 0
    digest = parsed_hash(digest)
    if known.get(source) == digest:
        report.unchanged += 1
        return 0
    try:
        parsed = parse_document(text, suffix=candidate.path.suffix, fallback_title=_title(source))
    except FrontMatterError as exc:
        report.problems.append((source, str(exc)))
        logger.warning("skipped %s: %s", source, exc)
        return 0
    except Exception as exc:  # boundary: one malformed file must not stop the ingest
        logger.exception("could not parse %s", source)
        report.problems.append((source, f"could not parse: {type(exc).__name__}"))
        return 0
    if not parsed.sections:
        report.problems.append((source, "no text"))
        return 0
    passages = _passages(parsed)
    async with deps.sessions() as session, session.begin():
        await kb_store.replace_document(
            session,
            candidate.root_key,
            source,
            title=parsed.title,
            content_hash=digest,
            audience=parsed.audience,
            passages=passages,
            url=parsed.url,
            now=deps.clock(),
        )
    if source in known:
        report.updated += 1
    else:
        report.added += 1
    report.passages += len(passages)
    return len(passages)


def parsed_hash(digest: str) -> str:
    """The hash stored for a file of content hash `digest`: it changes with the file
    and with PARSER_VERSION."""
    return hashlib.sha256(f"{PARSER_VERSION}:{digest}".encode()).hexdigest()


def _title(source: str) -> str:
    stem = Path(source).stem.replace("-", " ").replace("_", " ")
    return stem[:1].upper() + stem[1:]
