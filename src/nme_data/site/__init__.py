"""A static, provenance-first web view of a package copy: the article with every quote highlighted,
one page per table and a fact sheet, readable offline and without JavaScript.
"""

from __future__ import annotations

from nme_data.errors import InvalidPackageError, SiteError
from nme_data.site.build import build_site

__all__ = ["InvalidPackageError", "SiteError", "build_site"]
