"""KGX nodes and edges TSV with Biolink 4.x categories and predicates, for knowledge-graph builders.

Monarch, KG-Hub and Translator ingest KGX: one row per entity (node) and per statement (edge). Each
entity of the article becomes a node whose id is its exactMatch identifier in the release Biolink prefers
for its category (MONDO for diseases, HP for phenotypes, UBERON for sites, CHEBI for drugs), else this
package's own CURIE; the other exact identifiers become xrefs. Non-exact mappings are not nodes or edges
(they are in the SSSOM export). Each fact row becomes one edge carrying its quote as supporting text, the
article as publication, and qualifiers from the typed columns (certainty, frequency); README documents
the table-to-predicate mapping. Only the standard library loads here; biolink-model is a test tool.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nme_data.export._common import ExportError, rows, write_bytes
from nme_data.export._curies import MAPPINGS_TABLE, local_curies
from nme_data.export._escape import line_text, tsv_cell, web_url
from nme_data.package import DataPackage

#: File names end in the suffixes kgx's TSV reader looks for.
NODES_NAME = "nme-data_nodes.tsv"
EDGES_NAME = "nme-data_edges.tsv"
NODE_COLUMNS = ("id", "category", "name", "xref", "provided_by")
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "category",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "publications",
    "supporting_text",
    "qualifiers",
    "has_percentage",
)
#: KGX joins the values of a multivalued column with this.
LIST_SEPARATOR = "|"

#: conditions.category -> Biolink category (a finding HPO names is a phenotype; the others are diseases).
CONDITION_CATEGORIES = {
    "rash": "biolink:PhenotypicFeature",
    "metabolic_abnormality": "biolink:PhenotypicFeature",
    "neoplasm": "biolink:Disease",
    "syndrome": "biolink:Disease",
    "disease": "biolink:Disease",
    "nutritional_deficiency": "biolink:Disease",
}
#: Biolink category -> the identifier systems preferred as node id, best first (Biolink's own preferences).
PREFERRED_PREFIXES = {
    "biolink:Disease": ("MONDO",),
    "biolink:PhenotypicFeature": ("HP",),
    "biolink:AnatomicalEntity": ("UBERON",),
    "biolink:Drug": ("CHEBI",),
    "biolink:Procedure": (),
    "biolink:NamedThing": (),
}
#: certainty (the article's wording) -> Biolink knowledge level: a suggested mechanism is a hypothesis.
KNOWLEDGE_LEVELS = {
    "stated": "knowledge_assertion",
    "attributed": "knowledge_assertion",
    "hedged": "knowledge_assertion",
    "proposed": "prediction",
}
EXACT = "skos:exactMatch"
#: Boolean columns that become a qualifier when true (the article calls the finding characteristic, or the
#: row comes from a list the article marks as non-exhaustive).
FLAG_QUALIFIERS = ("characteristic", "most_characteristic", "open_list")


@dataclass(frozen=True)
class Node:
    id: str
    category: str
    name: str
    xref: tuple[str, ...]


@dataclass(frozen=True)
class Edge:
    id: str
    subject: str
    predicate: str
    object: str
    category: str
    knowledge_level: str
    supporting_text: str
    qualifiers: tuple[str, ...]
    has_percentage: float | None = None


def kgx_curie(curie: str) -> str:
    """A CURIE kgx accepts: its validator allows no '/' after the prefix, so 'p:table/id' becomes 'p:table.id'.

    Table names and row ids hold no '.', so the spelling stays unambiguous; the node keeps the original as xref.
    """
    prefix, local = curie.split(":", 1)
    return f"{prefix}:{local.replace('/', '.')}"


class Graph:
    """Nodes keyed by (table, row id), with ids chosen from the exact mappings; edges added per fact row."""

    def __init__(self, package: DataPackage) -> None:
        self.package = package
        self.curies = local_curies(package)
        self.source = f"infores:{package.descriptor.get('name', 'nme-data')}"
        self.exact: dict[tuple[str, str], list[str]] = {}
        for row in rows(package.table(MAPPINGS_TABLE)):
            if row["predicate_id"] == EXACT:
                self.exact.setdefault((row["subject_table"], row["subject_id"]), []).append(row["object_id"])
        self.nodes: dict[tuple[str, str], Node] = {}
        self.edges: list[Edge] = []
        self._used_ids: dict[str, tuple[str, str]] = {}

    def add_node(self, table: str, row_id: str, category: str, name: str) -> str:
        """Add (or find) the node of a row and return its id."""
        key = (table, row_id)
        if key in self.nodes:
            return self.nodes[key].id
        local = kgx_curie(self.curies.row(table, row_id))
        identifiers = sorted(self.exact.get(key, []))
        node_id = local
        for wanted in PREFERRED_PREFIXES.get(category, ()):
            chosen = [i for i in identifiers if i.split(":", 1)[0] == wanted and i not in self._used_ids]
            if chosen:
                node_id = chosen[0]
                break
        if node_id in self._used_ids:
            node_id = local  # two rows exact-matched to one identifier: keep them apart rather than merge them
        self._used_ids[node_id] = key
        # The SSSOM form of the row's CURIE stays reachable as an xref when kgx needed a different spelling.
        sssom_form = self.curies.row(table, row_id)
        xref = tuple(dict.fromkeys(i for i in [local, sssom_form, *identifiers] if i != node_id))
        self.nodes[key] = Node(node_id, category, name, xref)
        return node_id

    def node_id(self, table: str, row_id: str) -> str:
        try:
            return self.nodes[(table, row_id)].id
        except KeyError:
            raise ExportError(f"no node for {table} row {row_id!r}; run 'nme-data validate'") from None

    def add_edge(
        self,
        table: str,
        row: dict[str, Any],
        subject: str,
        predicate: str,
        obj: str,
        category: str,
        qualifiers: tuple[str, ...] = (),
        has_percentage: float | None = None,
    ) -> None:
        certainty = row.get("certainty")
        if certainty not in KNOWLEDGE_LEVELS:
            raise ExportError(
                f"{table} row {row['id']!r}: certainty {certainty!r} has no documented Biolink knowledge level"
            )
        certainty_qualifier = self.curies.term("certainty", certainty)
        flags = tuple(self.curies.term(flag, "true") for flag in FLAG_QUALIFIERS if row.get(flag) is True)
        self.edges.append(
            Edge(
                id=kgx_curie(self.curies.row(table, row["id"])),
                subject=subject,
                predicate=predicate,
                object=obj,
                category=category,
                knowledge_level=KNOWLEDGE_LEVELS[certainty],
                supporting_text=str(row["evidence"]),
                qualifiers=(certainty_qualifier, *qualifiers, *flags),
                has_percentage=has_percentage,
            )
        )


# --- nodes ----------------------------------------------------------------------------------------


def _condition_nodes(graph: Graph) -> None:
    for row in rows(graph.package.table("conditions")):
        category = CONDITION_CATEGORIES.get(row["category"])
        if category is None:
            raise ExportError(f"conditions row {row['id']!r}: category {row['category']!r} has no Biolink category")
        graph.add_node("conditions", row["id"], category, row["name"])


def _feature_category(row: dict[str, Any]) -> str:
    # Pressure and trauma are things done to the skin, not findings of it.
    return "biolink:NamedThing" if row["kind"] == "exacerbating_factor" else "biolink:PhenotypicFeature"


# --- edges, one builder per fact table -------------------------------------------------------------


def _frequency_qualifiers(graph: Graph, row: dict[str, Any]) -> tuple[tuple[str, ...], float | None]:
    """Frequency columns as qualifiers; a point estimate also as has_percentage, bounds never as a point."""
    kind = row.get("frequency_qualifier")
    if kind is None:
        return (), None
    low, high = row.get("frequency_min_percent"), row.get("frequency_max_percent")
    if kind == "point":
        point: Any = low or high  # the validator guarantees a number for a point estimate
        return (graph.curies.term("frequency", "point", f"{low if low is not None else high}"),), float(point)
    parts = [graph.curies.term("frequency", kind)]
    if low is not None:
        parts.append(graph.curies.term("frequency", "min-percent", f"{low:g}"))
    if high is not None:
        parts.append(graph.curies.term("frequency", "max-percent", f"{high:g}"))
    return tuple(parts), None


def _clinical_feature_edges(graph: Graph) -> None:
    for row in rows(graph.package.table("clinical_features")):
        feature = graph.add_node("clinical_features", row["id"], _feature_category(row), row["feature"])
        condition = graph.node_id("conditions", row["condition_id"])
        qualifiers = (graph.curies.term("frequency", row["frequency"]),) if row.get("frequency") else ()
        if row["kind"] == "exacerbating_factor":
            graph.add_edge(
                "clinical_features", row, feature, "biolink:affects", condition, "biolink:Association", qualifiers
            )
        else:
            graph.add_edge(
                "clinical_features",
                row,
                condition,
                "biolink:has_phenotype",
                feature,
                _phenotype_association(graph, row["condition_id"]),
                qualifiers,
            )


def _phenotype_association(graph: Graph, condition_id: str) -> str:
    node = graph.nodes[("conditions", condition_id)]
    if node.category == "biolink:Disease":
        return "biolink:DiseaseToPhenotypicFeatureAssociation"
    return "biolink:Association"


def _site_edges(graph: Graph) -> None:
    tables = graph.package.tables
    if "anatomical_sites" in tables:
        for row in rows(tables["anatomical_sites"]):
            graph.add_node("anatomical_sites", row["id"], "biolink:AnatomicalEntity", row["name"])
    for row in rows(tables["sites"]):
        if "anatomical_sites" in tables and row.get("anatomical_site_id"):
            site = graph.node_id("anatomical_sites", row["anatomical_site_id"])
        else:
            site = graph.add_node("sites", row["id"], "biolink:AnatomicalEntity", row["site"])
        qualifiers = (graph.curies.term("prominence", row["prominence"]),) if row.get("prominence") else ()
        graph.add_edge(
            "sites",
            row,
            graph.node_id("conditions", row["condition_id"]),
            "biolink:disease_has_location",
            site,
            "biolink:DiseaseOrPhenotypicFeatureToLocationAssociation",
            qualifiers,
        )


#: associations.relation -> (Biolink predicate, whether subject and object swap to use the canonical direction)
RELATION_PREDICATES: dict[str, tuple[str, bool]] = {
    "associated_with": ("biolink:associated_with", False),
    # "A part_of B" is stated with Biolink's canonical inverse: B has_part A.
    "part_of": ("biolink:has_part", True),
    # "the syndrome may occur in a disorder": a co-occurrence, not a location or a process.
    "occurs_in": ("biolink:associated_with", False),
    # "A is termed B": B names a kind of A (pseudoglucagonoma syndrome: NME without glucagonoma), stated with
    # Biolink's canonical direction: B subclass_of A.
    "termed": ("biolink:subclass_of", True),
}


#: associations.relation values that compare settings rather than link conditions: no Biolink edge says
#: "less common than", and an association edge would state a link the article does not make.
COMPARISONS = frozenset({"compared_with"})


def _association_edges(graph: Graph) -> None:
    for row in rows(graph.package.table("associations")):
        if row["relation"] in COMPARISONS:
            continue  # 'Less common than NME with glucagonoma, pseudoglucagonoma syndrome': not an association
        relation = RELATION_PREDICATES.get(row["relation"])
        if relation is None:
            raise ExportError(f"associations row {row['id']!r}: relation {row['relation']!r} has no Biolink predicate")
        predicate, swap = relation
        subject = graph.node_id("conditions", row["subject_id"])
        obj = graph.node_id("conditions", row["object_id"])
        if swap:
            subject, obj = obj, subject
        qualifiers, percentage = _frequency_qualifiers(graph, row)
        extra = [
            graph.curies.term(column, str(row[column]))
            for column in ("strength", "relative_frequency")
            if row.get(column)
        ]
        graph.add_edge(
            "associations", row, subject, predicate, obj, "biolink:Association", (*qualifiers, *extra), percentage
        )


def _cause_edges(graph: Graph) -> None:
    for row in rows(graph.package.table("causes")):
        if row.get("factor_id") is None:
            continue  # "the cause is unknown" names no factor: there is nothing to link
        graph.add_edge(
            "causes",
            row,
            graph.node_id("conditions", row["factor_id"]),
            "biolink:contributes_to",
            graph.node_id("conditions", row["condition_id"]),
            "biolink:Association",
            (graph.curies.term("aspect", row["aspect"]),),
        )


def _histology_edges(graph: Graph) -> None:
    for row in rows(graph.package.table("histology")):
        finding = graph.add_node("histology", row["id"], "biolink:PhenotypicFeature", row["finding"])
        qualifiers = tuple(
            graph.curies.term(column, str(row[column]))
            for column in ("method", "layer", "specificity", "pattern", "severity", "result")
            if row.get(column) is not None
        )
        graph.add_edge(
            "histology",
            row,
            graph.node_id("conditions", row["condition_id"]),
            "biolink:has_phenotype",
            finding,
            _phenotype_association(graph, row["condition_id"]),
            qualifiers,
        )


def _management_edges(graph: Graph) -> None:
    for row in rows(graph.package.table("management")):
        category = "biolink:Drug" if row["intervention_type"] == "drug" else "biolink:Procedure"
        intervention = graph.add_node("management", row["id"], category, row["intervention"])
        target = row.get("target_condition_id") or row["condition_id"]
        qualifiers = tuple(
            graph.curies.term(column, str(row[column]))
            for column in ("strategy", "expected_outcome", "outcome_timeframe", "outcome_qualifier")
            if row.get(column) is not None
        )
        graph.add_edge(
            "management",
            row,
            intervention,
            "biolink:applied_to_treat",
            graph.node_id("conditions", target),
            "biolink:ChemicalOrDrugOrTreatmentToDiseaseOrPhenotypicFeatureAssociation",
            qualifiers,
        )


#: The fact tables that become edges, in order; history, classifications and sources are about the article.
EDGE_BUILDERS: tuple[Callable[[Graph], None], ...] = (
    _clinical_feature_edges,
    _site_edges,
    _association_edges,
    _cause_edges,
    _histology_edges,
    _management_edges,
)


def build_graph(package: DataPackage) -> Graph:
    """Every node and edge of the package, in a fixed order."""
    graph = Graph(package)
    _condition_nodes(graph)
    for build in EDGE_BUILDERS:
        build(graph)
    return graph


# --- TSV ------------------------------------------------------------------------------------------


def _publication(package: DataPackage) -> str:
    sources = [s for s in package.descriptor.get("sources", []) or [] if isinstance(s, dict) and s.get("path")]
    if not sources:
        raise ExportError("datapackage.json names no source to cite as the edges' publication")
    return web_url(sources[0]["path"], "datapackage.json sources[0].path")


def _tsv(header: tuple[str, ...], records: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(
        {column: tsv_cell(value, f"KGX {record.get('id', '')!r} {column}") for column, value in record.items()}
        for record in records
    )
    return buffer.getvalue().encode("utf-8")


def _clean(text: str) -> str:
    """KGX TSV cells hold no tabs, newlines or list separators unescaped: replace them by spaces / '/'."""
    return line_text(text).replace(LIST_SEPARATOR, "/")


def node_records(graph: Graph) -> list[dict[str, str]]:
    return [
        {
            "id": node.id,
            "category": node.category,
            "name": _clean(node.name),
            "xref": LIST_SEPARATOR.join(node.xref),
            "provided_by": graph.source,
        }
        for node in graph.nodes.values()
    ]


def edge_records(graph: Graph) -> list[dict[str, str]]:
    publication = _publication(graph.package)
    return [
        {
            "id": edge.id,
            "subject": edge.subject,
            "predicate": edge.predicate,
            "object": edge.object,
            "category": edge.category,
            "knowledge_level": edge.knowledge_level,
            "agent_type": "manual_agent",
            "primary_knowledge_source": graph.source,
            "publications": publication,
            "supporting_text": _clean(edge.supporting_text),
            "qualifiers": LIST_SEPARATOR.join(edge.qualifiers),
            "has_percentage": "" if edge.has_percentage is None else repr(edge.has_percentage),
        }
        for edge in graph.edges
    ]


def write_kgx(package: DataPackage, directory: Path) -> list[Path]:
    """Write the nodes and edges TSV files into directory."""
    graph = build_graph(package)
    return [
        write_bytes(directory / NODES_NAME, _tsv(NODE_COLUMNS, node_records(graph))),
        write_bytes(directory / EDGES_NAME, _tsv(EDGE_COLUMNS, edge_records(graph))),
    ]
