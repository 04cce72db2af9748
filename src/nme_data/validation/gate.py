"""The loader's promise: a copy other than the bundled one is read only if `validate()` accepts it.

Why: `load()` used to return frames from copies the validator refuses (duplicate keys, formula cells,
evidence not in the article, pattern violations, dangling foreign keys). The verdict comes through the
validation cache (`nme_data.validation.cache`), so a repeat on unchanged bytes costs a hash of the files.
The bundled copy is validated in CI and at build, so reading it stays as fast as `read_csv`.
"""

from __future__ import annotations

from pathlib import Path

from nme_data.errors import InvalidPackageError
from nme_data.package import DESCRIPTOR_NAME, DataPackage, PackageError, bundled_root


def is_bundled(package: DataPackage) -> bool:
    """Whether this is the copy installed with the library (or the checkout it was installed from)."""
    try:
        bundled = bundled_root() / DESCRIPTOR_NAME
    except PackageError:
        return False
    return Path(package.descriptor_path).resolve() == bundled.resolve()


def require_valid(package: DataPackage) -> None:
    """Raise InvalidPackageError, carrying the validator's report, unless the copy is valid or bundled."""
    if is_bundled(package):
        return
    from nme_data.validation import cache

    report = cache.validate(package)  # keyed by, then validating, the bytes this package keeps
    if not report.valid:
        errors = report.sorted_errors()
        first = f"; first: {errors[0].location()}: [{errors[0].code}] {errors[0].message}" if errors else ""
        raise InvalidPackageError(
            report,
            message=f"{report.package} is not a valid package ({report.summary()}{first}); run 'nme-data validate' "
            "on it for every error (in Python, validate=False reads it anyway)",
        )
