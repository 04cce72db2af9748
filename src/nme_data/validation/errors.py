"""Validation errors: the one record type (`Finding`, defined with the exception root in `nme_data.errors`
and named here too); the catalogue of stable codes users can rely on is `nme_data.validation.codes`
(re-exported here: `CODES`, `Code`).

Codes of the spec layer are frictionless' own error types, passed through unchanged; the others are
ours. Renaming a code is a breaking change.
"""

from __future__ import annotations

from nme_data.errors import Finding
from nme_data.validation.codes import CODES, SPEC_MEMORY_GIB, SPEC_SECONDS_PER_MIB, SPEC_TIMEOUT_SECONDS, Code

__all__ = ["CODES", "SPEC_MEMORY_GIB", "SPEC_SECONDS_PER_MIB", "SPEC_TIMEOUT_SECONDS", "Code", "Finding"]
