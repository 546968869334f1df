"""A file's bytes -> its text: read (from a file or standard input, up to a size limit) and decoded
from UTF-8, or from UTF-16/32 when a BOM says so; a reason a person can act on when it is no text."""

from __future__ import annotations

import codecs
import sys
from typing import BinaryIO, Optional

from .discovery import STDIN

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_bytes(path: str, stdin: Optional[BinaryIO], limit: Optional[int]) -> bytes:
    """The file's bytes, or the first `limit` + 1 of them when it is larger than the limit."""
    size = -1 if limit is None else limit + 1
    if path == STDIN:
        return (stdin or sys.stdin.buffer).read(size)
    with open(path, "rb") as handle:
        return handle.read(size)


def decode(raw: bytes) -> tuple[Optional[str], str]:
    """Text of a file: UTF-8 (with or without BOM), or UTF-16/32 with a BOM."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), ""
            except UnicodeDecodeError as exc:
                return None, f"invalid {encoding.upper()} at byte {exc.start}"
    if b"\x00" in raw[:8192]:
        return None, "it contains NUL bytes (a binary file?)"
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        return None, f"invalid UTF-8 at byte {exc.start}; save it as UTF-8"
