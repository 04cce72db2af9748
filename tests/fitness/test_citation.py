"""CITATION.cff is valid Citation File Format 1.2.0 and agrees with the descriptor.

The official JSON schema ships with `cffconvert`, which pins jsonschema<4 and so cannot be installed
next to frictionless (jsonschema>=4.20). The structure is therefore checked here by hand against the
parts of the CFF 1.2.0 schema that apply (required keys, allowed keys, enums, patterns); if cffconvert's
schema happens to be importable, the file is also validated against it in full.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT

CITATION = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
ARTICLE_URL = "https://en.wikipedia.org/wiki/Necrolytic_migratory_erythema"

#: CFF 1.2.0: top-level keys (the schema forbids others) and the required ones.
TOP_LEVEL_KEYS = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers", "keywords",
    "license", "license-url", "message", "preferred-citation", "references", "repository", "repository-artifact",
    "repository-code", "title", "type", "url", "version",
}  # fmt: skip
REQUIRED_KEYS = {"authors", "cff-version", "message", "title"}
#: CFF 1.2.0 definitions/reference: required keys and the allowed types of work.
REFERENCE_REQUIRED = {"authors", "title", "type"}
REFERENCE_TYPES = {
    "art", "article", "audiovisual", "bill", "blog", "book", "catalogue", "conference-paper", "conference", "data",
    "database", "dictionary", "edited-work", "encyclopedia", "film-broadcast", "generic", "government-document",
    "grant", "hearing", "historical-work", "legal-case", "legal-rule", "magazine-article", "manual", "map",
    "multimedia", "music", "newspaper-article", "pamphlet", "patent", "personal-communication", "proceedings",
    "report", "serial", "slides", "software-code", "software-container", "software-executable",
    "software-virtual-machine", "software", "sound-recording", "standard", "statute", "thesis", "unpublished",
    "video", "website",
}  # fmt: skip
#: Keys of definitions/entity and definitions/person (both forbid others).
ENTITY_KEYS = {
    "address", "alias", "city", "country", "date-end", "date-start", "email", "fax", "location", "name", "orcid",
    "post-code", "region", "tel", "website",
}  # fmt: skip
PERSON_KEYS = {
    "address", "affiliation", "alias", "city", "country", "email", "family-names", "fax", "given-names",
    "name-particle", "name-suffix", "orcid", "post-code", "region", "tel", "website",
}  # fmt: skip
DATE = re.compile(r"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$")
URL = re.compile(r"^(https|http|ftp|sftp)://.+")


def is_entity_or_person(author: Any) -> bool:
    """An author as CFF defines it: an entity with a name, or a person with only person keys."""
    if not isinstance(author, dict) or not author:
        return False
    if "name" in author:
        return set(author) <= ENTITY_KEYS and isinstance(author["name"], str) and author["name"].strip() != ""
    return set(author) <= PERSON_KEYS


def wikipedia_reference() -> dict[str, Any]:
    matches = [r for r in CITATION.get("references", []) if r.get("url") == ARTICLE_URL]
    assert len(matches) == 1, "CITATION.cff must reference the Wikipedia article exactly once"
    return matches[0]


def test_is_a_yaml_mapping() -> None:
    assert isinstance(CITATION, dict)


def test_required_and_allowed_keys() -> None:
    assert set(CITATION) >= REQUIRED_KEYS
    assert set(CITATION) <= TOP_LEVEL_KEYS, f"keys CFF 1.2.0 does not allow: {set(CITATION) - TOP_LEVEL_KEYS}"


def test_cff_version_and_type() -> None:
    assert CITATION["cff-version"] == "1.2.0"
    assert CITATION["type"] == "dataset"
    assert isinstance(CITATION["message"], str)
    assert CITATION["message"].strip()
    assert isinstance(CITATION["title"], str)
    assert CITATION["title"].strip()


def test_release_date() -> None:
    released = str(CITATION["date-released"])
    assert DATE.match(released)
    assert released >= "2026-11-24", "released before the first release (1.0.0)"


def test_authors() -> None:
    authors = CITATION["authors"]
    assert isinstance(authors, list)
    assert authors
    assert all(is_entity_or_person(author) for author in authors)
    assert {"name": "nme-data contributors"} in authors


def test_license_matches_descriptor() -> None:
    assert CITATION["license"] == "CC-BY-SA-4.0"
    assert CITATION["license"] in [licence["name"] for licence in DESCRIPTOR["licenses"]]


def test_keywords() -> None:
    keywords = CITATION["keywords"]
    assert isinstance(keywords, list)
    assert keywords
    assert all(isinstance(k, str) and k.strip() for k in keywords)
    assert len(set(keywords)) == len(keywords), "CFF requires unique keywords"
    assert "necrolytic migratory erythema" in keywords


def test_references_are_valid_cff_references() -> None:
    references = CITATION["references"]
    assert isinstance(references, list)
    assert references
    for reference in references:
        assert set(reference) >= REFERENCE_REQUIRED
        assert reference["type"] in REFERENCE_TYPES
        assert reference["authors"]
        assert all(is_entity_or_person(author) for author in reference["authors"])
        if "url" in reference:
            assert URL.match(reference["url"])
        if "publisher" in reference:
            assert is_entity_or_person(reference["publisher"])


def test_wikipedia_article_is_credited() -> None:
    reference = wikipedia_reference()
    assert reference["type"] in {"encyclopedia", "website"}
    assert reference["authors"] == [{"name": "Wikipedia contributors"}]
    assert reference["license"] == "CC-BY-SA-4.0"
    assert reference["title"] == "Necrolytic migratory erythema"
    assert ARTICLE_URL in [source["path"] for source in DESCRIPTOR["sources"]]


def test_wikipedia_reference_names_the_shipped_snapshot() -> None:
    digest = hashlib.sha256((ROOT / "source" / "necrolytic-migratory-erythema.txt").read_bytes()).hexdigest()
    assert digest in " ".join(str(wikipedia_reference().get("notes", "")).split())


#: cffconvert ships the official CFF 1.2.0 JSON schema; it cannot sit in the test extra (it pins jsonschema<4,
#: which frictionless rules out), so the test downloads its wheel, without dependencies, and reads the schema.
CFFCONVERT = "cffconvert==2.0.0"
CFF_SCHEMA_MEMBER = "cffconvert/schemas/1.2.0/schema.json"


def _cff_schema(tmp_path: Path) -> dict:
    import subprocess
    import sys
    import zipfile

    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
    done = subprocess.run([*command, CFFCONVERT, "-d", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"cannot download {CFFCONVERT} from the package index: {done.stderr}"
    (wheel,) = tmp_path.glob("cffconvert-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return json.loads(archive.read(CFF_SCHEMA_MEMBER).decode("utf-8"))


@pytest.mark.slow
def test_full_schema(tmp_path: Path) -> None:
    """Complete validation against the official CFF 1.2.0 schema, as cffconvert ships it."""
    import jsonschema

    schema = _cff_schema(tmp_path)
    document = json.loads(json.dumps(CITATION, default=str))  # YAML dates -> strings, as the schema asks
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, errors
