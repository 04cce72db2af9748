"""Escaping at the sinks: what every export applies to the copy's text, whatever the validator let through.

The tool-owned profile (`nme_data.rules.profile`) refuses these values in a copy already; the exporters
check again because the library can export without validating (`export(..., check=False)`) and because a
sink must be safe on its own. Line-based files (TSV, the YAML and HPOA headers) get no raw tab, newline or
other control character: free text is folded onto one line, ids and cells are refused. A cell that a
spreadsheet would run as a formula is refused, not rewritten (the data would change); a URL an output
links to is http or https; a YAML key is a plain key.
"""

from __future__ import annotations

import re

from nme_data.export._common import ExportError
from nme_data.rules.profile import CONTROL, PLAIN_KEY, URL

#: What a spreadsheet runs as a formula when it starts a cell.
FORMULA_START = re.compile(r"^[=+\-@]")


def line_text(value: object) -> str:
    """Text for one line of a line-based file: every control character and run of whitespace becomes one space."""
    return " ".join(CONTROL.sub(" ", str(value)).split())


def tsv_cell(value: object, where: str) -> str:
    """A TSV or CSV cell as it is: a control character (tab, newline, ...) or a formula starter is refused
    with the cell's location, never rewritten."""
    text = str(value)
    match = CONTROL.search(text)
    if match:
        raise ExportError(f"{where}: {text[:80]!r} holds the control character U+{ord(match.group()):04X}")
    if FORMULA_START.match(text) and not _is_number(text):
        raise ExportError(f"{where}: {text[:80]!r} starts like a spreadsheet formula; nothing was exported")
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def web_url(value: object, where: str) -> str:
    """An http(s) URL an output writes or links to, or an ExportError naming where it came from."""
    text = str(value)
    if not re.fullmatch(URL, text):
        raise ExportError(f"{where}: {text[:80]!r} is not an http or https URL; nothing was exported")
    return text


def yaml_key(key: object, where: str) -> str:
    """A key written unquoted into a YAML header: a plain key, or an ExportError."""
    text = str(key)
    if not re.fullmatch(PLAIN_KEY, text):
        raise ExportError(f"{where}: key {text[:80]!r} is not a plain key (letters, digits, '_.-')")
    return text
