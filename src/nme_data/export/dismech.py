"""dismech export: the article's facts as one LinkML `Disease` of Monarch's disorder mechanisms knowledge base.

`DIR/kb/disorders/<Name>.yaml` holds the disease, where dismech keeps its disorder files; `DIR/source/<stem>.md`
the article snapshot under a `# <title>` heading (`cited_path`), which every `evidence` item cites as
`reference: file:source/<stem>.md` with that `reference_title`, so that dismech's own validators
(linkml-validate, linkml-reference-validator, linkml-term-validator, linkml-data-qc) pass when run inside
DIR, with no network. Every fact row becomes an item with its evidence; docs/dismech.md gives the mapping
and what is not carried.

- snippet: the row's quote, each ` [...] ` join written ` ... ` (the reference validator splits there and
  drops bracketed text); supports: SUPPORT (dismech's enum is direction only: a hedged quote still
  supports, dismech issue #7439); explanation: the row, its certainty (the hedge) and, for open lists,
  that the item is an example; quote_role: REVIEW_SYNTHESIS (an encyclopedia article); no `directness`
  (no row says how directly its quote bears on the claim).
- open questions (a cause or pathogenesis the article calls unknown) are `discussions` of kind
  KNOWLEDGE_GAP; proposed mechanisms are pathophysiology nodes with `mechanism_confidence: HYPOTHETICAL`
  (dismech reads a node without one as established); no `downstream` edge, since no row links two nodes.
- a term goes into a bound slot only when the schema's range accepts it (see `_dismech_terms`) and the
  mapping is exact, close or broad (the term says no more than the article); others go into `notes`.
- frequency: a number maps to an HPO frequency band only when the band contains the whole stated range
  ("as many as 70%" is 0-70%, inside no band), else it is written as stated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from nme_data.export import _yaml
from nme_data.export._common import ExportError, rows, write_bytes
from nme_data.export._dismech_terms import HISTOPATHOLOGY_TERMS, PHENOTYPE_TERMS
from nme_data.package import DataPackage, PackageError

_T = TypeVar("_T")

#: certainty -> dismech `supports` (direction only): a hedged or proposed quote still supports its claim; the
#: hedge is said in `explanation` (dismech removed PARTIAL, issue #7439).
SUPPORTS = {"stated": "SUPPORT", "attributed": "SUPPORT", "hedged": "SUPPORT", "proposed": "SUPPORT"}
#: certainty -> dismech `mechanism_confidence` for a pathophysiology node; absent means established.
MECHANISM_CONFIDENCE = {"hedged": "HYPOTHETICAL", "proposed": "HYPOTHETICAL"}
#: Where an encyclopedia article's sentence sits: its synthesis of work it did not itself perform.
QUOTE_ROLE = "REVIEW_SYNTHESIS"
#: frequency_qualifier -> the Prevalence rate slots (per 100,000) a stated percentage fills.
RATE_SLOTS = {
    "upper_bound": ("rate_high",),
    "lower_bound": ("rate_low",),
    "range": ("rate_low", "rate_high"),
    "point": ("rate_per_100000",),
}
#: dismech's creation_date pattern (RFC 3339 with a zone).
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+\-]\d{2}:\d{2})$")
#: Where dismech keeps disorder files, relative to the repository (and to the export directory).
DISORDERS_DIR = "kb/disorders"
CERTAINTY_NOTE = {
    "stated": "the article states it plainly",
    "attributed": "the article reports it as a held view ('is considered')",
    "hedged": "the article hedges it ('may')",
    "proposed": "the article names it as suggested, not established",
}
#: How an association's relation reads in a finding's statement.
RELATIONS = {
    "associated_with": "is associated with",
    "part_of": "is part of",
    "occurs_in": "occurs in",
    "compared_with": "is less common than NME with",
}
#: An encyclopedia article: evidence that fits none of dismech's study types.
EVIDENCE_SOURCE = "OTHER"
#: Mapping predicates whose object may stand for the row in a bound slot (the term claims no more).
PLACEABLE = ("skos:exactMatch", "skos:closeMatch", "skos:broadMatch")
#: HPO frequency bands as dismech's FrequencyEnum names them: (lowest %, highest %), from the HP term definitions.
FREQUENCY_BANDS: dict[str, tuple[float, float]] = {
    "OBLIGATE": (100, 100),  # HP:0040280
    "VERY_FREQUENT": (80, 99),  # HP:0040281
    "FREQUENT": (30, 79),  # HP:0040282
    "OCCASIONAL": (5, 29),  # HP:0040283
    "VERY_RARE": (1, 4),  # HP:0040284
}
#: ` [...] ` joins and any other bracketed text: the reference validator deletes brackets, so split there.
_BRACKETS = re.compile(r"\[[^\]\n]*\]")
_FILE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def cited_path(snapshot: str) -> str:
    """Where the export writes the cited copy of a snapshot: beside it, as Markdown (`.md`).

    linkml-reference-validator takes a local file's title from its first Markdown heading, else from its
    file name, and checks `reference_title` against it; so the cited file is `# <title>`, a blank line,
    then the snapshot's bytes unchanged (`titled_snapshot`)."""
    path = PurePosixPath(snapshot)
    return str(path.with_suffix(".md") if path.suffix != ".md" else path.with_suffix(".titled.md"))


def titled_snapshot(title: str, data: bytes) -> bytes:
    """The cited copy: a `# title` heading line, a blank line, then the snapshot's bytes."""
    return f"# {' '.join(title.split())}\n\n".encode() + data


def snippet(evidence: str) -> str:
    """The quote as dismech's reference validator reads it: bracketed text (our ` [...] `) becomes ` ... `."""
    parts = [" ".join(part.split()) for part in _BRACKETS.split(evidence)]
    return " ... ".join(part for part in parts if part)


def hpo_band(low: float | None, high: float | None) -> str | None:
    """The FrequencyEnum band holding every value from low to high (None = unbounded there), or None."""
    low = 0.0 if low is None else low
    high = 100.0 if high is None else high
    for name, (band_low, band_high) in FREQUENCY_BANDS.items():
        if band_low <= low and high <= band_high:
            return name
    return None


def _percentage(row: dict[str, Any]) -> str:
    """A stated frequency in words: 'up to 70%', 'at least 5%', '30-40%', '25%'."""
    low, high = row.get("frequency_min_percent"), row.get("frequency_max_percent")
    kind = row.get("frequency_qualifier")
    if kind == "upper_bound" or (low is None and high is not None):
        return f"up to {high:g}%"
    if kind == "lower_bound" or high is None:
        return f"at least {low:g}%"
    return f"{low:g}%" if low == high else f"{low:g}-{high:g}%"


@dataclass
class _Context:
    """What every item needs: sources, mappings, condition names, the focal disease; and the names used."""

    package: DataPackage
    sources: dict[str, str]
    titles: dict[str, str]
    mappings: dict[tuple[str, str], list[dict[str, Any]]]
    conditions: dict[str, dict[str, Any]]
    focal: str
    names: dict[str, set[str]] = field(default_factory=dict)

    def evidence(self, table: str, row: dict[str, Any], extra: str = "") -> dict[str, Any]:
        """One evidence item for a fact row: its quote, source, certainty and (for an open list) a caveat."""
        source = row.get("source_id")
        if source not in self.sources:
            raise ExportError(f"{table} row {row.get('id')!r}: source {source!r} has no file to cite")
        certainty = str(row.get("certainty") or "stated")
        notes = [f"nme-data {table}/{row['id']}", f"certainty {certainty}: {CERTAINTY_NOTE.get(certainty, certainty)}"]
        if row.get("open_list"):
            notes.append("one item of a list the article marks as open ('include', 'a number of'): an example")
        if extra:
            notes.append(extra)
        quote = snippet(str(row.get("evidence") or ""))
        if not quote:
            raise ExportError(f"{table} row {row.get('id')!r}: no quote to cite")
        return {
            "reference": f"file:{cited_path(self.sources[source])}",
            "reference_title": self.titles[source],
            "supports": SUPPORTS.get(certainty, "SUPPORT"),
            "quote_role": QUOTE_ROLE,
            "evidence_source": EVIDENCE_SOURCE,
            "snippet": quote,
            "explanation": "; ".join(notes) + ".",
        }

    def condition(self, condition_id: Any) -> dict[str, Any]:
        """A conditions row; a dangling id (only in a copy nobody validated) is an ExportError, not a KeyError."""
        try:
            return self.conditions[str(condition_id)]
        except KeyError:
            raise ExportError(f"no conditions row {condition_id!r} (run 'nme-data validate' for every error)") from None

    def unique(self, slot: str, name: str, key: str) -> str:
        """name, or name with the row id when another item of the same list already has it (names are keys)."""
        seen = self.names.setdefault(slot, set())
        if name in seen:
            name = f"{name} ({key})"
        if name in seen:
            raise ExportError(f"two {slot} items are both named {name!r}")
        seen.add(name)
        return name

    def terms(self, table: str, row_id: str, prefix: str) -> list[dict[str, Any]]:
        """Mappings of one row to one ontology, strongest predicate first."""
        order = {p: i for i, p in enumerate((*PLACEABLE, "skos:narrowMatch", "skos:relatedMatch"))}
        found = [m for m in self.mappings.get((table, row_id), []) if str(m["object_id"]).startswith(prefix + ":")]
        return sorted(found, key=lambda m: (order.get(str(m["predicate_id"]), 99), str(m["object_id"])))

    def bound_term(
        self, table: str, row_id: str, prefix: str, allowed: dict[str, str] | None
    ) -> tuple[dict[str, str] | None, list[str]]:
        """(term for a bound slot or None, notes naming every other mapping of the row to that ontology)."""
        chosen: dict[str, str] | None = None
        notes = []
        for mapping in self.terms(table, row_id, prefix):
            curie, label, predicate = str(mapping["object_id"]), str(mapping["object_label"]), mapping["predicate_id"]
            fits = predicate in PLACEABLE and (allowed is None or allowed.get(curie) == label)
            if chosen is None and fits:
                chosen = {"id": curie, "label": label}
                continue
            if fits:
                why = "another mapping is placed"
            elif predicate in PLACEABLE:
                why = "outside the range dismech binds this slot to"
            else:
                why = "narrower than the article's term, or only related"
            notes.append(f"{curie} {label} ({predicate}; not placed: {why})")
        return chosen, notes


def _context(package: DataPackage) -> _Context:
    tables = package.tables
    sources, titles = {}, {}
    for row in rows(tables["sources"]):
        path = str(row.get("path") or "")
        try:
            package.resolve(path)  # a regular file inside the copy: no '..', link out or special file
        except PackageError as exc:
            raise ExportError(f"sources row {row['id']!r}: {path!r} cannot be cited: {exc}") from None
        sources[str(row["id"])] = "/".join(part for part in path.split("/") if part not in ("", "."))
        titles[str(row["id"])] = " ".join(str(row.get("title") or row["id"]).split())
    mappings: dict[tuple[str, str], list[dict[str, Any]]] = {}
    if "mappings" in tables:
        for row in rows(tables["mappings"]):
            mappings.setdefault((str(row["subject_table"]), str(row["subject_id"])), []).append(row)
    conditions = {str(row["id"]): row for row in rows(tables["conditions"])}
    focal = {
        str(row["condition_id"])
        for name in ("clinical_features", "sites", "histology", "management", "causes")
        if name in tables
        for row in rows(tables[name])
    }
    if len(focal) != 1 or next(iter(focal)) not in conditions:
        raise ExportError(f"a dismech Disease describes one condition; the fact tables describe {sorted(focal)}")
    return _Context(package, sources, titles, mappings, conditions, focal.pop())


def _table(context: _Context, name: str) -> list[dict[str, Any]]:
    table = context.package.tables.get(name)
    return rows(table) if table is not None else []


def _words(value: Any) -> str:
    return str(value).replace("_", " ")


def _phenotypes(context: _Context) -> list[dict[str, Any]]:
    """Clinical features, then one phenotype per real-world site (each statement naming it is one evidence item)."""
    out = []
    for row in _table(context, "clinical_features"):
        term, notes = context.bound_term("clinical_features", row["id"], "HP", PHENOTYPE_TERMS)
        descriptor: dict[str, Any] = {"preferred_term": row["feature"]}
        if term:
            descriptor["term"] = term
        item: dict[str, Any] = {"name": context.unique("phenotypes", row["feature"], row["id"])}
        item["phenotype_term"] = descriptor
        if row.get("frequency"):
            item["frequency"] = str(row["frequency"])  # a word, no number: no HPO band can be shown to hold it
        facts = [f"kind: {_words(row['kind'])}"]
        if row.get("characteristic"):
            facts.append("part of NME's characteristic eruption")
        item["evidence"] = [context.evidence("clinical_features", row)]
        item["notes"] = "; ".join(facts + notes) + "."
        out.append(item)
    out.extend(_site_phenotypes(context))
    return out


def _site_phenotypes(context: _Context) -> list[dict[str, Any]]:
    anatomical = {row["id"]: row for row in _table(context, "anatomical_sites")}
    focal = context.conditions[context.focal]
    disease_term, _ = context.bound_term("conditions", context.focal, "HP", PHENOTYPE_TERMS)
    statements: dict[str, list[dict[str, Any]]] = {}
    for row in _table(context, "sites"):
        statements.setdefault(str(row["anatomical_site_id"]), []).append(row)
    out = []
    for site_id, group in statements.items():
        site = anatomical.get(site_id, {"id": site_id, "name": group[0]["site"]})
        located: dict[str, Any] = {"preferred_term": site["name"]}
        uberon, uberon_notes = context.bound_term("anatomical_sites", site_id, "UBERON", None)
        if uberon:
            located["term"] = uberon
        descriptor: dict[str, Any] = {"preferred_term": focal["name"]}
        if disease_term:
            descriptor["term"] = disease_term
        descriptor["located_in"] = located
        ranks = _prominence_order(context)
        strongest = max((row["prominence"] for row in group), key=lambda value: ranks.get(value, -1))
        notes = [f"strongest prominence: {_words(strongest)} ({len(group)} statement(s))", *uberon_notes]
        out.append(
            {
                "name": context.unique("phenotypes", f"{focal['name']} on the {site['name']}", site_id),
                "phenotype_term": descriptor,
                "evidence": [
                    context.evidence(
                        "sites",
                        row,
                        f"the article names '{row['site']}' ({_words(row['section'])}); "
                        f"prominence {_words(row['prominence'])}",
                    )
                    for row in group
                ],
                "notes": "; ".join(notes) + ".",
            }
        )
    return out


def _prominence_order(context: _Context) -> dict[str, int]:
    field_ = next((f for f in context.package.table("sites").fields if f["name"] == "prominence"), {})
    return {value: i for i, value in enumerate((field_.get("constraints") or {}).get("enum") or [])}


def _histopathology(context: _Context) -> list[dict[str, Any]]:
    out = []
    for row in _table(context, "histology"):
        term, notes = context.bound_term("histology", row["id"], "HP", HISTOPATHOLOGY_TERMS)
        descriptor: dict[str, Any] = {"preferred_term": row["finding"]}
        if term:
            descriptor["term"] = term
        name = (
            row["finding"] if row.get("result") in (None, "present") else f"{row['finding']}: {_words(row['result'])}"
        )
        facts = [
            f"{label}: {_words(row[column])}"
            for label, column in (
                ("method", "method"),
                ("layer", "layer"),
                ("pattern", "pattern"),
                ("severity", "severity"),
                ("result", "result"),
                ("specificity", "specificity"),
            )
            if row.get(column)
        ]
        item: dict[str, Any] = {
            "name": context.unique("histopathology", name, row["id"]),
            "finding_term": descriptor,
            "description": "; ".join(facts) + "." if facts else None,
        }
        if row.get("specificity") == "nonspecific":
            item["diagnostic"] = False  # the article: the features are nonspecific, so none is pathognomonic
        item["evidence"] = [context.evidence("histology", row)]
        extra = ["the article calls it most characteristic"] if row.get("most_characteristic") else []
        if extra or notes:
            item["notes"] = "; ".join(extra + notes) + "."
        out.append({k: v for k, v in item.items() if v is not None})
    return out


def _treatments(context: _Context) -> list[dict[str, Any]]:
    out = []
    for row in _table(context, "management"):
        descriptor: dict[str, Any] = {"preferred_term": row["intervention"]}  # no MAXO release pinned: name only
        agent, agent_notes = context.bound_term("management", row["id"], "CHEBI", None)
        if agent and row.get("intervention_type") == "drug":
            descriptor["therapeutic_agent"] = [{"preferred_term": row["intervention"], "term": agent}]
        target = context.conditions.get(str(row.get("target_condition_id")), {}).get("name")
        parts = [f"{_words(row['intervention_type'])}"]
        if row.get("strategy"):
            parts.append(_words(row["strategy"]) + (f" ({target})" if target else ""))
        outcome = [row.get(c) for c in ("expected_outcome", "outcome_qualifier", "outcome_timeframe")]
        if outcome[0]:
            parts.append(
                "expected outcome: "
                + " ".join(_words(v) for v in (outcome[0], outcome[1]) if v)
                + (f" within {_words(outcome[2])}" if outcome[2] else "")
            )
        item = {
            "name": context.unique("treatments", row["intervention"], row["id"]),
            "description": "; ".join(parts) + ".",
            "treatment_term": descriptor,
            "evidence": [context.evidence("management", row)],
        }
        if agent_notes:
            item["notes"] = "; ".join(agent_notes) + "."
        out.append(item)
    return out


def _is_open_question(row: dict[str, Any]) -> bool:
    """A causes row that names no factor and says the aspect is unknown: a gap, not a mechanism."""
    return row.get("status") == "unknown" and not row.get("factor_id")


def _pathophysiology(context: _Context) -> list[dict[str, Any]]:
    """Each named factor as a node; a hedged or proposed one HYPOTHETICAL (no confidence reads as established)."""
    out = []
    disease_name = context.conditions[context.focal]["name"]
    for row in _table(context, "causes"):
        if _is_open_question(row):
            continue
        factor = context.conditions.get(str(row.get("factor_id")), {}).get("name")
        name = factor if factor else f"{_words(row['aspect'])} {_words(row['status'])}"
        aspect, status = _words(row["aspect"]), _words(row["status"])
        description = (
            f"A {status} {aspect} of {disease_name}." if factor else f"The {aspect} of {disease_name} is {status}."
        )
        node: dict[str, Any] = {
            "name": context.unique("pathophysiology", name[:1].upper() + name[1:], row["id"]),
            "description": description,
        }
        confidence = MECHANISM_CONFIDENCE.get(str(row.get("certainty")))
        if confidence is None and row.get("status") == "proposed":
            confidence = MECHANISM_CONFIDENCE["proposed"]
        if confidence:
            node["mechanism_confidence"] = confidence
        node["evidence"] = [context.evidence("causes", row)]
        mapped = [
            f"{m['object_id']} {m['object_label']} ({m['predicate_id']})"
            for prefix in ("HP", "MONDO")
            for m in context.terms("conditions", str(row.get("factor_id")), prefix)
        ]
        if mapped:  # the node's term slots name its processes, cells, chemicals and sites, not a phenotype
            node["notes"] = (
                f"The package maps {name} to {'; '.join(mapped)}; not bound: a pathophysiology node's term slots "
                "name processes, cells, chemicals and sites, not a phenotype or a disease."
            )
        out.append(node)
    return out


def _discussions(context: _Context) -> list[dict[str, Any]]:
    """The article's open questions (an unknown cause or pathogenesis) as KNOWLEDGE_GAP discussions."""
    disease_name = context.conditions[context.focal]["name"]
    out = []
    for row in _table(context, "causes"):
        if not _is_open_question(row):
            continue
        aspect = _words(row["aspect"])
        out.append(
            {
                "discussion_id": str(row["id"]),
                "prompt": f"What is the {aspect} of {disease_name}?",
                "kind": "KNOWLEDGE_GAP",
                "status": "OPEN",
                "rationale": f"The article states that the {aspect} of {disease_name} is unknown.",
                "evidence": [context.evidence("causes", row)],
            }
        )
    return out


def _associations(context: _Context) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(prevalence, subtypes, findings): a stated frequency of the disease, what it is termed, the rest."""
    name = context.conditions[context.focal]["name"]
    prevalence, findings = [], []
    subtypes: dict[str, dict[str, Any]] = {}
    rows_ = _table(context, "associations")
    for row in rows_:
        if row["subject_id"] == context.focal and row["relation"] == "termed":
            obj = context.condition(row["object_id"])
            absent = context.conditions.get(str(row.get("absent_condition_id")), {}).get("name")
            parts = [f"{name} in the absence of {absent}" if absent else f"a name given to {name}"]
            if row.get("relative_frequency"):
                parts.append(f"relative frequency: {_words(row['relative_frequency'])}")
            subtypes[row["object_id"]] = {
                "name": context.unique("has_subtypes", obj["name"][:1].upper() + obj["name"][1:], row["object_id"]),
                "description": "; ".join(parts) + ".",
                "evidence": [context.evidence("associations", row)],
            }
    for row in rows_:
        subject, obj = context.condition(row["subject_id"]), context.condition(row["object_id"])
        statement = f"{subject['name']} {RELATIONS.get(row['relation'], _words(row['relation']))} {obj['name']}"
        if row.get("strength"):
            statement += f" ({_words(row['strength'])})"
        if row["subject_id"] == context.focal and row["relation"] == "termed":
            continue
        if row["subject_id"] in subtypes:
            subtypes[row["subject_id"]]["evidence"].append(context.evidence("associations", row, statement))
            continue
        if row.get("frequency_qualifier"):
            prevalence.append(_prevalence(context, row, obj, statement))
            continue
        findings.append({"statement": statement + ".", "evidence": [context.evidence("associations", row)]})
    return prevalence, list(subtypes.values()), findings


def _prevalence(context: _Context, row: dict[str, Any], obj: dict[str, Any], statement: str) -> dict[str, Any]:
    """A stated percentage among a population (people with obj) as dismech's rate slots, per 100,000.

    The measure is not stated (UNKNOWN); the denominator is the stated population (POPULATION). An upper
    bound fills rate_high only: "as many as 70%" says nothing about how low the rate may be."""
    name = context.conditions[context.focal]["name"]
    population = row.get("frequency_population") or obj["name"]
    qualifier = str(row["frequency_qualifier"])
    slots = RATE_SLOTS.get(qualifier)
    if slots is None:
        raise ExportError(f"associations row {row['id']!r}: frequency_qualifier {qualifier!r} has no dismech rate slot")
    low, high = row.get("frequency_min_percent"), row.get("frequency_max_percent")
    values = {"rate_low": low, "rate_high": high, "rate_per_100000": high if low is None else low}
    item: dict[str, Any] = {"population": population, "measure_type": "UNKNOWN"}
    for slot in slots:
        value = values[slot]
        if value is None:
            raise ExportError(f"associations row {row['id']!r}: a {qualifier} frequency needs its percentage")
        item[slot] = float(value) * 1000  # % -> per 100,000, as dismech's rate_per_100000 says
    item["rate_denominator"] = "POPULATION"
    band = hpo_band(low, high)
    note = f"{_words(qualifier)}: {_percentage(row)}; " + (
        f"inside the HPO band {band}" if band else "inside no single HPO frequency band"
    )
    item["evidence"] = [context.evidence("associations", row, statement)]
    item["notes"] = f"{name} in {population}, {_percentage(row)} as the article states it; {note}."
    return item


def _other_findings(context: _Context) -> list[dict[str, Any]]:
    """Facts the Disease class has no slot for, as findings of the article: history and classifications."""
    out = []
    for row in _table(context, "history"):
        who = " ".join(str(row[c]) for c in ("person", "year") if row.get(c) is not None)
        subject = context.conditions.get(str(row.get("subject_id")), {}).get("name", row.get("subject_id"))
        obj = context.conditions.get(str(row.get("object_id")), {}).get("name", row.get("object_id"))
        statement = f"{_words(row['event'])}: {subject} and {obj} ({who})."
        out.append({"statement": statement[:1].upper() + statement[1:], "evidence": [context.evidence("history", row)]})
    for row in _table(context, "classifications"):
        statement = f"The article is classified under '{row['category']}' ({_words(row['kind'])})."
        out.append({"statement": statement, "evidence": [context.evidence("classifications", row)]})
    return out


def disease(package: DataPackage) -> dict[str, Any]:
    """The dismech `Disease` document for package (a plain mapping, in the schema's slot order)."""
    return _guarded(lambda: _disease(_context(package)))


def _guarded(build: Callable[[], _T]) -> _T:
    try:
        return build()
    except KeyError as exc:  # a table or field the export reads is missing: only in a copy nobody validated
        raise ExportError(f"the copy has no {exc} the dismech export needs (run 'nme-data validate')") from None


def _disease(context: _Context) -> dict[str, Any]:
    package = context.package
    focal = context.conditions[context.focal]
    prevalence, subtypes, findings = _associations(context)
    findings.extend(_other_findings(context))
    document: dict[str, Any] = {"name": focal["name"]}
    created = package.descriptor.get("created")
    if isinstance(created, str) and _TIMESTAMP.match(created):
        document["creation_date"] = created  # the release's creation time: stable, as dismech asks
    document["disease_term"] = _disease_term(context)
    document["description"] = str(focal.get("evidence") or focal["name"])
    cited = sorted({f["evidence"][0]["reference"] for f in findings})
    if findings:
        document["references"] = [
            {
                "reference": reference,
                "title": next(
                    f["evidence"][0]["reference_title"] for f in findings if f["evidence"][0]["reference"] == reference
                ),
                "findings": [f for f in findings if f["evidence"][0]["reference"] == reference],
            }
            for reference in cited
        ]
    parts = {
        "has_subtypes": subtypes,
        "prevalence": prevalence,
        "pathophysiology": _pathophysiology(context),
        "phenotypes": _phenotypes(context),
        "histopathology": _histopathology(context),
        "treatments": _treatments(context),
        "discussions": _discussions(context),
    }
    document.update({slot: items for slot, items in parts.items() if items})
    title = package.descriptor.get("title") or package.descriptor.get("name") or "nme-data"
    document["notes"] = (
        f"Exported by nme-data from {title} version {package.version}: every item quotes the article snapshot "
        "it cites. supports says direction only (SUPPORT); each explanation carries the row's certainty "
        "(stated, attributed, hedged 'may', proposed 'suggested'); proposed mechanisms are HYPOTHETICAL."
    )
    return document


def _disease_term(context: _Context) -> dict[str, Any]:
    """The focal disease's name, bound to MONDO only by an exact mapping of the package; else why not, said."""
    focal = context.conditions[context.focal]
    descriptor: dict[str, Any] = {"preferred_term": focal["name"]}
    exact = [m for m in context.terms("conditions", context.focal, "MONDO") if m["predicate_id"] == "skos:exactMatch"]
    if exact:
        descriptor["term"] = {"id": str(exact[0]["object_id"]), "label": str(exact[0]["object_label"])}
        return descriptor
    releases = sorted(
        {
            str(m.get("object_source_version"))
            for found in context.mappings.values()
            for m in found
            if str(m["object_id"]).startswith("MONDO:") and m.get("object_source_version")
        }
    )
    why = f"No MONDO term: the package maps {focal['name']} to no MONDO class, and no unverified id is bound"
    why += f" (its MONDO mappings were checked against {'; '.join(releases)})." if releases else "."
    others = [f"{m['object_id']} {m['object_label']}" for m in context.terms("conditions", context.focal, "HP")]
    if others:
        why += f" HPO's {', '.join(others)} is a phenotype term, outside dismech's DiseaseTerm (MONDO)."
    descriptor["description"] = why
    return descriptor


def file_name(package: DataPackage) -> str:
    """`<Name>.yaml`, as dismech names disorder files: the disease's words capitalised, joined by `_`."""
    return _file_name(_guarded(lambda: _context(package)))


def _file_name(context: _Context) -> str:
    """`Necrolytic_Migratory_Erythema.yaml`: words capitalised and joined by `_`, as dismech names disorder files."""
    words = [word for word in _FILE_NAME.split(str(context.conditions[context.focal]["name"])) if word]
    if not words:
        raise ExportError("the disease's name has no letter or digit to name the dismech file by")
    return "_".join(word[:1].upper() + word[1:] for word in words) + ".yaml"


def write_dismech(package: DataPackage, directory: Path) -> list[Path]:
    """Write `kb/disorders/<Name>.yaml` and the titled copy of every snapshot it cites (`cited_path`) into directory."""
    context = _guarded(lambda: _context(package))
    document = _guarded(lambda: _disease(context))
    target = directory / DISORDERS_DIR / _file_name(context)
    written = [write_bytes(target, _yaml.dumps(document).encode("utf-8"))]
    for source, relative in sorted(context.sources.items(), key=lambda item: item[1]):
        try:
            data = package.resolve(relative).read_bytes()
        except (PackageError, OSError) as exc:
            raise ExportError(f"cannot copy the source snapshot {relative!r}: {exc}") from None
        cited = directory / Path(cited_path(relative))
        if cited not in written:
            written.append(write_bytes(cited, titled_snapshot(context.titles[source], data)))
    return written
