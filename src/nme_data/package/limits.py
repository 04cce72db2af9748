"""Every budget the package model enforces, in one place, so the README's "Limits" table has one source.

A crafted copy must end in a located error, never in a hang, a crash or a huge allocation: each
number below bounds one thing a reader would otherwise trust. They are far above what the shipped
package needs (its descriptor is about 100 KB, its largest table a few hundred rows).
"""

from __future__ import annotations

#: datapackage.json, or a schema or dialect JSON file it names, in bytes.
MAX_DESCRIPTOR_BYTES = 5 * 1024 * 1024
#: Nesting of objects and arrays in any of those JSON files.
MAX_JSON_DEPTH = 32
#: Digits in an integer literal (and characters in any number literal) of those JSON files.
MAX_NUMBER_DIGITS = 30
#: Resources in one descriptor.
MAX_RESOURCES = 1000
#: Columns in a table's header row, and fields in its schema.
MAX_COLUMNS = 1000
#: Bytes read to find a table's header row; a longer header row is refused.
MAX_HEADER_BYTES = 1024 * 1024
#: Data rows in one table (a valid copy with a table this long validates under a 2 GiB address-space limit:
#: scripts/bench.py, target 10a).
MAX_ROWS = 1_000_000
#: Data rows in the table of quote anchors, which holds one row per evidence part of every fact row of every
#: fact table (about 1.3 per fact row): 100,000 rows in each table need about 1.28 million anchors. A valid
#: copy whose anchors table is this long validates under the same 2 GiB limit (scripts/bench.py, target 10c).
MAX_ANCHOR_ROWS = 1_300_000
#: The table MAX_ANCHOR_ROWS bounds (the release's schema names it; a copy cannot rename it).
ANCHORS_TABLE = "evidence_anchors"
#: Characters in one cell (also the csv module's field size limit while a table is read).
MAX_CELL_CHARS = 1024 * 1024
#: Bytes of one table file.
MAX_TABLE_BYTES = 512 * 1024 * 1024
#: Bytes of one source snapshot named in sources.csv (hashed as a stream, kept in memory as text).
MAX_SNAPSHOT_BYTES = 50 * 1024 * 1024
#: Bytes of one component of a path named by the descriptor or sources.csv, and of the whole path.
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 1024

#: Chunk size for streamed reads (byte checks, snapshot hashing).
CHUNK_BYTES = 1024 * 1024


def row_budget(table: str) -> int:
    """The data rows `table` may hold: MAX_ANCHOR_ROWS for the anchors table, MAX_ROWS for any other (read at
    call time, so that a test may lower either)."""
    return MAX_ANCHOR_ROWS if table == ANCHORS_TABLE else MAX_ROWS
