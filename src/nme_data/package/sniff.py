"""Guesses about a table a spreadsheet saved: which delimiter it used, which encoding it was written in.

They only ever name what went wrong; nothing is read under a guess. The validator still refuses the
file (one `wrong-delimiter` or `encoding-error` per table), and `nme-data fmt --delimiter/--encoding`
converts it only when the curator names the same thing.
"""

from __future__ import annotations

import csv
import io

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


def encoding_hint(encoding: str) -> str:
    """What to run for a file in `encoding`: fmt converts it to UTF-8 (tables already UTF-8 are left as they are)."""
    return f"convert it to UTF-8 with 'nme-data fmt --encoding {encoding} PATH'"


def delimiter_hint(delimiter: str) -> str:
    """What to run for a file with another delimiter."""
    option = "tab" if delimiter == "\t" else delimiter
    return f"convert it with 'nme-data fmt --delimiter \"{option}\" PATH', or save it again as comma-separated CSV"
