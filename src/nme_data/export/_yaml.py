"""Block-style YAML with every string JSON-quoted: readable, and safe for any text a copy holds.

Why by hand: pyyaml is not a runtime dependency, and an export must never depend on a writer's guess about
which strings need quotes (`no`, `null`, `- x`, `#`, a colon). Every string is a double-quoted scalar, whose
escapes JSON and YAML share; characters YAML may not hold raw (C0/C1 controls, DEL, U+2028/9, U+FEFF,
surrogates, U+FFFE/F) are escaped too, so yaml.safe_load gives back exactly the value written.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Mapping keys written bare: the writer's own slot names, never data.
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Characters outside YAML 1.1's printable set (pyyaml rejects them raw) or that it treats as line breaks.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def quote(text: str) -> str:
    """A double-quoted scalar for text, valid JSON and YAML, holding only printable characters."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _key(key: str) -> str:
    return key if _PLAIN_KEY.fullmatch(key) else quote(key)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{value!r} has no YAML form an export should write")
        return repr(value)
    if isinstance(value, str):
        return quote(value)
    if value is None:
        return "null"
    raise TypeError(f"cannot write a {type(value).__name__} as YAML")


def _lines(value: Any, indent: int) -> list[str]:
    """The lines of a mapping or list at indent (the caller writes its key or dash)."""
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                out.append(f"{pad}{_key(str(key))}:")
                out.extend(_lines(item, indent + 2))
            else:
                out.append(f"{pad}{_key(str(key))}: {_inline(item)}")
    else:
        for item in value:
            if isinstance(item, dict | list) and item:
                nested = _lines(item, indent + 2)
                out.append(f"{pad}- {nested[0].lstrip()}")
                out.extend(nested[1:])
            else:
                out.append(f"{pad}- {_inline(item)}")
    return out


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def dumps(document: dict[str, Any]) -> str:
    """The YAML text of a document (a mapping of mappings, lists, strings, numbers, booleans and None)."""
    return "\n".join(_lines(document, 0)) + "\n" if document else "{}\n"
