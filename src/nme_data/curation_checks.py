"""Deprecated alias of `nme_data.rules.curation` (the rules now live in one package, `nme_data.rules`)."""

from __future__ import annotations

import warnings

from nme_data.rules.curation import *  # noqa: F403

warnings.warn(
    "nme_data.curation_checks is deprecated; import nme_data.rules.curation", DeprecationWarning, stacklevel=2
)
