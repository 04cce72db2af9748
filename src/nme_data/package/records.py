"""A table's rows as text, for readers that need cells, not a typed frame (sentences, the site).

The header is checked first, so a table the validator refuses is refused here with the same message;
cells are kept exactly as written, and only the schema's missing values become None. The rows come from
the package model's one read of the file (`Table.records`): this module never opens a table file.
"""

from __future__ import annotations

from nme_data.package.model import Table

Record = dict[str, "str | None"]


def read_records(table: Table) -> list[Record]:
    """Every data record of the table by field name; a cell that is a missing value is None."""
    table.check_header()
    missing = set(table.missing_values)
    names = table.field_names
    return [
        {name: (None if cell in missing else cell) for name, cell in zip(names, record.cells, strict=False)}
        for record in table.records()[1:]
    ]
