"""Deprecated alias of `nme_data.rules.semantic` (the rules now live in one package, `nme_data.rules`)."""

from __future__ import annotations

import warnings

from nme_data.rules.semantic import *  # noqa: F403

warnings.warn("nme_data.semantic_rules is deprecated; import nme_data.rules.semantic", DeprecationWarning, stacklevel=2)
