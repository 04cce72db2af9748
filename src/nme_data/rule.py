"""Deprecated alias of `nme_data.rules.rule` (the rules now live in one package, `nme_data.rules`)."""

from __future__ import annotations

import warnings

from nme_data.rules.rule import *  # noqa: F403

warnings.warn("nme_data.rule is deprecated; import nme_data.rules.rule", DeprecationWarning, stacklevel=2)
