"""One sentence per fact row: from the descriptor's templates, in the right direction, through every reader.

The sentences are checked against the CSVs read here with the csv module: each names its row's own
subject and object (by the names their rows give them) in that order, and says the row's hedge.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import nme_data
from conftest import ROOT, descriptor_of, read_rows
from damage import edit_descriptor, resource
from nme_data.cli import main
from nme_data.export.statements_sql import STATEMENTS_TABLE
from nme_data.frames.statements import render, statements
from nme_data.package import PackageError

TEMPLATED = [r["name"] for r in descriptor_of(ROOT)["resources"] if r.get("statementTemplates")]
HEDGES = {"stated": None, "hedged": "may", "attributed": "considered", "proposed": "proposed"}


def rows(table: str) -> list[dict[str, str]]:
    data = read_rows(ROOT / "data" / f"{table}.csv")
    return [dict(zip(data[0], row, strict=True)) for row in data[1:]]


NAMES = {row["id"]: row["name"] for row in rows("conditions")}


def test_the_fact_tables_declare_templates() -> None:
    assert {"sites", "associations", "clinical_features", "causes", "histology", "management", "history"} <= set(
        TEMPLATED
    )


@pytest.mark.parametrize("table", TEMPLATED)
def test_every_row_has_one_sentence_that_says_its_hedge(table: str) -> None:
    sentences = statements(table)
    records = rows(table)
    assert len(sentences) == len(records)
    for row, sentence in zip(records, sentences, strict=True):
        assert sentence, f"{table}/{row['id']} has no sentence"
        assert sentence[0].isupper(), sentence
        assert sentence.endswith("."), sentence
        assert "{" not in sentence, sentence
        assert "[" not in sentence or table == "mappings", sentence  # a release label may hold brackets
        assert "_" not in sentence, sentence  # codes are said as words
        hedge = HEDGES.get(row.get("certainty", ""))
        if hedge is not None and table not in ("history", "classifications"):
            assert hedge in sentence, f"{table}/{row['id']} is {row['certainty']} but reads {sentence!r}"
        if row.get("certainty") == "stated":
            assert " may " not in f" {sentence} ", sentence


@pytest.mark.parametrize("row", rows("associations"), ids=lambda row: row["id"])
def test_associations_read_from_subject_to_object(row: dict[str, str]) -> None:
    sentence = statements("associations")[[r["id"] for r in rows("associations")].index(row["id"])]
    subject, target = NAMES[row["subject_id"]], NAMES[row["object_id"]]
    assert sentence.lower().startswith(subject.lower()), sentence
    assert sentence.lower().index(target.lower(), len(subject)) > 0, sentence


def test_the_sentences_a_clinician_reads() -> None:
    by_id = dict(zip((r["id"] for r in rows("associations")), statements("associations"), strict=True))
    assert (
        by_id["pseudoglucagonoma-syndrome-celiac-disease"] == "Pseudoglucagonoma syndrome may occur in Celiac disease."
    )
    # the two NME-glucagonoma rows no longer read alike: strength in one, frequency in the other
    assert "strongly associated with glucagonoma" in by_id["nme-glucagonoma"]
    assert "up to 70% of persons with a glucagonoma" in by_id["nme-glucagonoma-frequency"]
    assert by_id["nme-glucagonoma"] != by_id["nme-glucagonoma-frequency"]
    causes = dict(zip((r["id"] for r in rows("causes")), statements("causes"), strict=True))
    assert (
        causes["proposed-zinc-deficiency"]
        == "Zinc deficiency has been proposed as a cause of Necrolytic migratory erythema."
    )


@pytest.mark.parametrize(
    ("template", "row", "expected"),
    [
        ("{a} is {b}", {"a": "x", "b": "y"}, "X is y."),
        ("{a}[ ({b})]", {"a": "x", "b": None}, "X."),
        ("{a}[ ({b})]", {"a": "x", "b": "y"}, "X (y)."),
        ("{a} {b:one=first|*=other}", {"a": "x", "b": "two"}, "X other."),
        ("{a}[ {b:one=first}]", {"a": "x", "b": "two"}, "X."),  # a choice without a match drops its part
        ("{a}[ in {n}%{q:upper=} of them]", {"a": "x", "n": "70", "q": "upper"}, "X in 70% of them."),
        ("{a}[ in {n}%{q:upper=} of them]", {"a": "x", "n": "70", "q": "lower"}, "X."),
        ("{a} is {b}", {"a": "x{b}", "b": "[y]  ,z"}, "X{b} is [y]  ,z."),  # values are never templates
        ("{a} is {b}[ ({c})], then", {"a": "x", "b": "y", "c": None}, "X is y, then."),
    ],
)
def test_render(template: str, row: dict[str, str | None], expected: str) -> None:
    assert render(template, row, lambda field, value: value) == expected


def test_load_adds_the_column_only_when_asked() -> None:
    plain = nme_data.load("associations")
    worded = nme_data.load("associations", statement=True)
    assert list(worded.columns) == [*plain.columns, "statement"]
    assert worded.drop(columns="statement").equals(plain)
    assert list(worded["statement"]) == statements("associations")
    assert nme_data.load("sources", statement=True)["statement"].isna().all()


def test_the_sqlite_export_holds_every_sentence(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--format", "sqlite", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "nme-data.sqlite") as connection:
        stored = dict(
            connection.execute(f"SELECT table_name || '/' || row_key, statement FROM {STATEMENTS_TABLE}").fetchall()  # noqa: S608
        )
    expected = {
        f"{table}/{row['id']}": s for table in TEMPLATED for row, s in zip(rows(table), statements(table), strict=True)
    }
    assert stored == expected


def test_show_prints_one_sentence_per_row() -> None:
    result = CliRunner().invoke(main, ["show", "history", "--format", "statements"])
    assert result.exit_code == 0
    assert result.output == (
        "becker-1942: William Becker first described an association between Necrolytic migratory erythema "
        "and glucagonoma in 1942.\n"
    )
    none = CliRunner().invoke(main, ["show", "sources", "--format", "statements"])
    assert none.exit_code == 1
    assert "declares no statement templates" in none.output


BAD_TEMPLATES = {
    "not-a-list": ("sites", "a sentence", "must be a list"),
    "no-template": ("sites", [{"when": {}}], "needs a 'template' string"),
    "unknown-field": ("sites", [{"template": "{condition_id} affects {body_part}"}], "['body_part']"),
    "unknown-code": ("associations", [{"when": {"relation": "causes"}, "template": "{subject_id}"}], "['causes']"),
    "unknown-choice": ("sites", [{"template": "{certainty:sure=is}"}], "['sure']"),
    "when-not-codes": ("sites", [{"when": {"certainty": 1}, "template": "{site}"}], "'when' must map"),
    "too-long": ("sites", [{"template": "{site} " * 400}], "longer than 2000"),
}


@pytest.mark.parametrize("case", BAD_TEMPLATES)
def test_a_malformed_template_is_a_located_error_everywhere(package_copy: Path, case: str) -> None:
    table, templates, message = BAD_TEMPLATES[case]
    edit_descriptor(lambda d: resource(d, table).update(statementTemplates=templates))(package_copy)
    index = [r["name"] for r in descriptor_of(package_copy)["resources"]].index(table)
    pointer = f"/resources/{index}/statementTemplates"
    report = nme_data.validate(package_copy)  # since 3.0.0 the release's templates are the only ones
    assert {(e.table, e.code) for e in report.errors} == {(table, "schema-differs")}
    assert all(str(e.value).startswith(pointer) for e in report.errors), report.errors
    result = CliRunner().invoke(main, ["validate", str(package_copy), "--format", "json", "--no-cache"])
    assert result.exit_code == 1
    assert {(e["table"], e["code"], e["path"]) for e in json.loads(result.stdout)["errors"]} == {
        (table, "schema-differs", "datapackage.json")
    }
    with pytest.raises(nme_data.InvalidPackageError) as refused:  # load() validates a copy first
        nme_data.load(table, source=package_copy, statement=True)
    assert {(e.table, e.code) for e in refused.value.report.errors} == {(table, "schema-differs")}
    with pytest.raises(PackageError, match=re.escape(message)):  # the model still refuses the templates without it
        nme_data.load(table, source=package_copy, statement=True, validate=False)
    shown = CliRunner().invoke(main, ["show", table, str(package_copy), "--format", "statements"])
    assert shown.exit_code == 1
    assert "Traceback" not in shown.output
    assert "statementTemplates" in shown.output


#: (table, field, value) -> the words a sentence of a row holding that value says (`{column}`: the row's cell).
QUALIFIER_WORDS: dict[tuple[str, str, str], str] = {
    ("sites", "prominence", "characteristic"): "particularly affected",
    ("sites", "prominence", "common"): "(commonly affected",
    ("sites", "prominence", "less_common"): "less commonly affected",
    ("associations", "strength", "strong"): "strongly",
    ("associations", "frequency_qualifier", "upper_bound"): "up to {frequency_max_percent}%",
    ("associations", "frequency_qualifier", "lower_bound"): "at least {frequency_min_percent}%",
    ("associations", "relative_frequency", "less_common_than_glucagonoma"): "less common than NME with glucagonoma",
    ("clinical_features", "characteristic", "true"): "characteristic eruption",
    ("clinical_features", "frequency", "frequent"): "frequent",
    ("histology", "severity", "marked"): "(marked)",
    ("histology", "result", "usually_negative"): "usually negative",
    ("histology", "most_characteristic", "true"): "most characteristic",
    ("histology", "specificity", "nonspecific"): "nonspecific",
    ("management", "outcome_qualifier", "typically"): "typically resolves",
    ("causes", "status", "proposed"): "proposed",
    ("causes", "status", "unknown"): "unknown",
}
#: (table, first key, second key): the sentence names the first before the second (the row's direction).
DIRECTIONS = [
    ("associations", "subject_id", "object_id"),
    ("causes", "factor_id", "condition_id"),
    ("history", "subject_id", "object_id"),
    ("management", "condition_id", "target_condition_id"),
]


def _says(table: str, row: dict[str, str]) -> list[str]:
    found = []
    for (name, field, value), words in QUALIFIER_WORDS.items():
        if name == table and row.get(field) == value:
            found.append(words.format(**row))
    return found


@pytest.mark.parametrize("table", sorted({t for t, _, _ in QUALIFIER_WORDS}))
def test_every_sentence_keeps_its_rows_qualifiers(table: str) -> None:
    """A row's qualifier is said, and no other value of the same field is: 'particularly affects' reads
    'particularly affected', never 'a characteristic site' nor 'commonly'; 'as many as 70%' reads 'up to 70%'."""
    for row, sentence in zip(rows(table), statements(table), strict=True):
        for words in _says(table, row):
            assert words in sentence, f"{table}/{row['id']}: {sentence!r} lacks {words!r}"
        for (name, field, value), words in QUALIFIER_WORDS.items():
            own = [w for w in _says(table, row) if w]
            if name == table and row.get(field) != value and "{" not in words and not any(words in w for w in own):
                assert words not in sentence, f"{table}/{row['id']} ({field}={row.get(field)!r}) reads {sentence!r}"


@pytest.mark.parametrize(("table", "first", "second"), DIRECTIONS)
def test_every_sentence_keeps_its_rows_direction(table: str, first: str, second: str) -> None:
    for row, sentence in zip(rows(table), statements(table), strict=True):
        if not row.get(first) or not row.get(second):
            continue
        head, tail = NAMES[row[first]].lower(), NAMES[row[second]].lower()
        text = sentence.lower()
        assert head in text, sentence
        assert tail in text, sentence
        assert text.index(head) < text.rindex(tail), f"{table}/{row['id']}: {sentence!r} reads backwards"


def test_the_sentences_say_what_the_quotes_say() -> None:
    """The third audit: the comparison is the syndrome's, resection is what the article names."""
    by_id = dict(zip((r["id"] for r in rows("associations")), statements("associations"), strict=True))
    assert by_id["nme-pseudoglucagonoma-syndrome-relative-frequency"] == (
        "Pseudoglucagonoma syndrome is less common than NME with glucagonoma."
    )
    management = dict(zip((r["id"] for r in rows("management")), statements("management"), strict=True))
    assert "after resection, the rash typically resolves within days" in management["surgical-resection"]
    sites = dict(zip((r["id"] for r in rows("sites")), statements("sites"), strict=True))
    assert "characteristic site" not in sites["intro-perioral-skin"]
