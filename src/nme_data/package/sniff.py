"""Guesses about a table a spreadsheet saved: which delimiter it used, which encoding it was written in.

They only ever name what went wrong; nothing is read under a guess. The validator still refuses the
file (one `wrong-delimiter` or `encoding-error` per table), and `nme-data fmt --delimiter/--encoding`
converts it only when the curator names the same thing.
"""

from __future__ import annotations

import csv
import io
import shlex
from dataclasses import dataclass

#: Delimiters spreadsheets write in place of the comma (a ';' where the comma is the decimal separator).
DELIMITERS = (";", "\t", "|")
#: How each delimiter is named in messages and on the command line.
DELIMITER_NAMES = {";": "';' (semicolon)", "\t": "a tab", "|": "'|' (vertical bar)", ",": "',' (comma)"}
#: Byte-order marks that mean UTF-16: Excel's "Unicode Text".
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: Bytes that Windows-1252 leaves undefined: a file holding one was not written in it.
CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def split_labels(labels: tuple[str, ...] | list[str], delimiter: str) -> list[str]:
    """The header as it reads with another delimiter (the comma-read labels joined back, then split)."""
    line = ",".join(labels)
    return next(csv.reader(io.StringIO(line, newline=""), delimiter=delimiter), [])


def sniff_delimiter(labels: tuple[str, ...] | list[str], fields: list[str]) -> str | None:
    """The delimiter that turns a header into the schema's fields (at least half of them), or None.

    Only a header that read as fewer columns than the schema has is considered: a comma-delimited
    header with a wrong label is a label problem, not a delimiter one.
    """
    if len(labels) >= len(fields) or not fields:
        return None
    wanted = set(fields)
    best, found = 0, None
    for delimiter in DELIMITERS:
        try:
            split = [label.strip() for label in split_labels(labels, delimiter)]
        except csv.Error:  # a label over the csv module's cell limit: no delimiter guess, the labels speak
            continue
        matches = len(wanted.intersection(split))
        if len(split) > len(labels) and matches * 2 >= len(wanted) and matches > best:
            best, found = matches, delimiter
    return found


def guess_encoding(data: bytes) -> str:
    """The likeliest encoding of bytes that are not UTF-8: utf-16, cp1252 (Windows-1252) or latin-1.

    A spreadsheet on Windows writes cp1252; a byte cp1252 leaves undefined means Latin-1 instead.
    """
    if data.startswith(UTF16_BOMS):
        return "utf-16"
    return "latin-1" if CP1252_UNDEFINED.intersection(data) else "cp1252"


def encoding_name(encoding: str) -> str:
    """An encoding as people know it, with the codec name that `fmt --encoding` takes."""
    names = {"cp1252": "Windows-1252 (cp1252)", "latin-1": "Latin-1 (latin-1)", "utf-16": "UTF-16 (utf-16)"}
    return f"it looks like {names.get(encoding, encoding)}, as spreadsheets save it"


def encoding_hint(encoding: str, root: str = "PATH") -> str:
    """What to run for a file in `encoding`: fmt converts it to UTF-8 (tables already UTF-8 are left as they are)."""
    return f"convert it to UTF-8 with '{fmt_command(root, encoding=encoding)}'"


def delimiter_hint(delimiter: str, root: str = "PATH") -> str:
    """What to run for a file with another delimiter."""
    return f"convert it with '{fmt_command(root, delimiter=delimiter)}', or save it again as comma-separated CSV"


def fmt_command(root: str, encoding: str | None = None, delimiter: str | None = None) -> str:
    """The one `nme-data fmt` command line that converts a copy with these options (`root` quoted for a shell,
    unless it is the placeholder PATH)."""
    words = ["nme-data fmt", root if root == "PATH" else shlex.quote(root)]
    if encoding is not None:
        words.append(f"--encoding {encoding}")
    if delimiter is not None:
        words.append(f'--delimiter "{"tab" if delimiter == chr(9) else delimiter}"')
    return " ".join(words)


@dataclass(frozen=True)
class Spreadsheet:
    """What a spreadsheet did to one table file: its encoding when not UTF-8, its delimiter when not ','."""

    encoding: str | None = None
    delimiter: str | None = None
    #: Where UTF-8 decoding first fails: the line, and the byte there.
    line: int | None = None
    byte: int | None = None

    def problems(self) -> list[str]:
        """Each problem, in words, for one message."""
        found = []
        if self.delimiter is not None:
            found.append(f"uses {DELIMITER_NAMES[self.delimiter]} as its delimiter, not ',' (comma)")
        if self.encoding is not None:
            where = f" (byte {self.byte:#04x} at line {self.line})" if self.byte is not None else ""
            found.append(f"is not valid UTF-8{where}: {encoding_name(self.encoding)}")
        return found


def diagnose(data: bytes, fields: list[str]) -> Spreadsheet:
    """Everything a spreadsheet changed in a table's bytes: the encoding (guessed), and the delimiter its header
    reads with once decoded in that encoding (as `sniff_delimiter` finds it)."""
    encoding = line = byte = None
    body = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        encoding = guess_encoding(body)
        line, byte = body.count(b"\n", 0, exc.start) + 1, body[exc.start]
        text = body.decode(encoding, errors="replace").removeprefix("\ufeff")
    first = text[: 1024 * 1024].split("\n", 1)[0].rstrip("\r")
    try:
        labels = next(csv.reader(io.StringIO(first, newline="")), [])
    except csv.Error:
        labels = []
    delimiter = sniff_delimiter(labels, fields) if labels else None
    return Spreadsheet(encoding, delimiter, line, byte)
