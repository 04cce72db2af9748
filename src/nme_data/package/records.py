"""A table's rows as text, for readers that need cells, not a typed frame (sentences, the site).

The header is checked first, so a table the validator refuses is refused here with the same message;
cells are kept exactly as written, and only the schema's missing values become None.
"""

from __future__ import annotations

import csv

from nme_data.package.csvfile import ENCODING, field_limit
from nme_data.package.limits import MAX_CELL_CHARS
from nme_data.package.model import Table

Record = dict[str, "str | None"]


def read_records(table: Table) -> list[Record]:
    """Every data record of the table by field name; a cell that is a missing value is None."""
    table.check_header()
    missing = set(table.missing_values)
    names = table.field_names
    with table.path.open(encoding=ENCODING, newline="") as handle, field_limit(MAX_CELL_CHARS):
        reader = csv.reader(handle)
        next(reader, None)
        return [
            {name: (None if cell in missing else cell) for name, cell in zip(names, record, strict=False)}
            for record in reader
        ]
