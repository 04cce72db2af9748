"""One readable sentence per fact row, from the templates a table declares in datapackage.json.

Two rows can differ only in columns a reader does not print (the strength of the NME-glucagonoma
association, and its frequency): a sentence built from every typed column says both. Each table
that wants sentences declares, beside its schema:

    "statementTemplates": [
      {"when": {"relation": "occurs_in"},
       "template": "{subject_id} {certainty:stated=occurs|hedged=may occur} in {object_id}"},
      {"template": "{subject_id} is {relation} {object_id}[ ({strength} association)]"}
    ]

The first template whose `when` matches the row's cells is used. In a template, `{field}` is the
cell in words (a foreign key as the name of the row it names, an enum code with spaces for
underscores), `{field:code=words|code=words|*=words}` chooses words by the cell's code, and `[...]`
is kept only when every field it names has a value (a choice without a match counts as none). The
sentence starts with a capital and ends with a full stop. Nothing is inferred: a template can only
say what the row's cells say.

Pure Python over text cells: the loader, the SQLite export and the site share it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from nme_data.package import DataPackage, Table
from nme_data.package.records import read_records
from nme_data.rules.statements import PLACEHOLDER as _PLACEHOLDER
from nme_data.rules.statements import StatementError, templates

if TYPE_CHECKING:
    import pandas as pd

#: The column the sentences fill (in `load(..., statement=True)` and the SQLite export).
COLUMN = "statement"
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
#: Columns whose name-like value stands for a row in a sentence.
NAME_COLUMNS = ("name", "title", "label")

Row = Mapping[str, "str | None"]
Words = Callable[[str, str], str]


def _choice(spec: str, value: str) -> str | None:
    fallback = None
    for option in spec.split("|"):
        code, _, words = option.partition("=")
        if code == value:
            return words
        if code == "*":
            fallback = words
    return fallback


def _pieces(text: str, row: Row, words: Words, optional: bool) -> list[tuple[str, bool]] | None:
    """The text as (piece, is_literal) pairs, each placeholder filled once (a value is never read as a
    template); None when an optional part has a field without a value or a choice without a match."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        pieces.append((text[position : match.start()], True))
        position = match.end()
        field, spec = match.group(1), match.group(2)
        value = row.get(field)
        chosen = None if not value else (_choice(spec, value) if spec is not None else words(field, value))
        if chosen is None and optional:
            return None
        pieces.append((chosen or "", spec is not None))  # a choice's words are the template's own
    pieces.append((text[position:], True))
    return pieces


def render(template: str, row: Row, words: Words) -> str:
    """One sentence: optional parts dropped when a field is missing, capital first, full stop last.

    Only the template's own words are tidied (spaces collapsed, none before punctuation); cell values
    are copied as they are.
    """
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _OPTIONAL.finditer(template):
        pieces += _pieces(template[position : match.start()], row, words, optional=False) or []
        pieces += _pieces(match.group(1), row, words, optional=True) or []
        position = match.end()
    pieces += _pieces(template[position:], row, words, optional=False) or []
    sentence = ""
    for piece, literal in pieces:
        if literal:
            piece = re.sub(r"\s+", " ", piece)
            if piece[:1] in (",", ".", ";", ":", ")"):
                sentence = sentence.rstrip()
            if sentence.endswith(" ") and piece.startswith(" "):
                piece = piece.lstrip()
        sentence += piece
    sentence = sentence.strip()
    if not sentence:
        return ""
    sentence = sentence[0].upper() + sentence[1:]
    return sentence if sentence.endswith((".", "?", "!")) else sentence + "."


class Sentences:
    """Sentences for the rows of a package's tables, with foreign keys said as the names of their rows."""

    def __init__(self, package: DataPackage) -> None:
        self.package = package
        self._names: dict[str, dict[str, str]] = {}

    def _name_of(self, table: str, key: str) -> str:
        if table not in self._names:
            names: dict[str, str] = {}
            target = self.package.table(table)
            column = next((c for c in NAME_COLUMNS if c in target.field_names), None)
            if column is not None and "id" in target.field_names:
                for record in read_records(target):
                    if record.get("id") is not None and record.get(column):
                        names[str(record["id"])] = str(record[column])
            self._names[table] = names
        return self._names[table].get(key, key)

    def words_for(self, table: Table) -> Words:
        """How the cells of `table` read in a sentence."""
        references = _foreign_keys(table)
        enums = {
            f["name"]
            for f in table.fields
            if isinstance(f.get("constraints"), dict) and isinstance(f["constraints"].get("enum"), list)
        }

        def words(field: str, value: str) -> str:
            if field in references:
                return self._name_of(references[field] or table.name, value)
            if field in enums:
                return value.replace("_", " ")
            return value

        return words

    def for_rows(self, table: Table, rows: Sequence[Row]) -> list[str | None]:
        """The sentence of each row (None for a row no template matches, or a table without templates)."""
        chosen = templates(table)
        if not chosen:
            return [None] * len(rows)
        words = self.words_for(table)
        out: list[str | None] = []
        for row in rows:
            template = next((t for t in chosen if t.matches(row)), None)
            out.append(render(template.text, row, words) if template else None)
        return out

    def for_table(self, name: str) -> list[str | None]:
        table = self.package.table(name)
        return self.for_rows(table, read_records(table))


def _foreign_keys(table: Table) -> dict[str, str]:
    """Single-column foreign keys: column -> referenced table ('' for the table itself)."""
    out: dict[str, str] = {}
    for key in table.foreign_keys:
        if not isinstance(key, dict):
            continue
        fields = key.get("fields")
        fields = [fields] if isinstance(fields, str) else fields
        reference: Any = key.get("reference")
        if isinstance(fields, list) and len(fields) == 1 and isinstance(reference, dict):
            out[str(fields[0])] = str(reference.get("resource") or "")
    return out


def with_statements(frame: pd.DataFrame, package: DataPackage, name: str, column: str = COLUMN) -> pd.DataFrame:
    """`frame` (the table as loaded) with its sentences as a last text column."""
    from nme_data.package.dtypes import string_dtype

    if column in frame.columns:
        raise ValueError(f"{name} already has a column {column!r}; the sentences would replace it")
    sentences = Sentences(package).for_table(name)
    if len(sentences) != len(frame):
        raise StatementError(f"{name}: the file changed while it was read; read it again", table=name)
    import pandas as pd

    return frame.assign(**{column: pd.array(sentences, dtype=string_dtype())})


def statements(name: str, source: str | DataPackage | None = None) -> list[str | None]:
    """The sentence of each row of table `name`, in file order (None where the table declares no template)."""
    package = source if isinstance(source, DataPackage) else DataPackage.open(source)
    return Sentences(package).for_table(name)
