"""What can go wrong reading an archive: a whole input that cannot be read, or one bad part of it."""

from __future__ import annotations

from dataclasses import dataclass


class ArchiveError(Exception):
    """The input cannot be read as an archive at all (missing file, not a WARC, a WACZ without WARCs)."""


@dataclass(frozen=True)
class ArchiveProblem:
    """One part of an archive that gave no page: damaged bytes (skipped up to where reading could
    resume), a revisit whose original is not in the archive, a page the extractor could not read.

    ``kind`` is ``damaged``, ``revisit``, ``unparsable`` or ``extraction``."""

    file: str
    offset: int | None
    kind: str
    message: str

    def __str__(self) -> str:
        where = f"offset {self.offset}: " if self.offset is not None else ""
        return f"{self.file}: {where}{self.message}"
