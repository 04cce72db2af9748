"""Validation errors: the one record type (`Finding`, defined with the exception root in `nme_data.errors`
and named here too), and the catalogue of stable codes users can rely on.

Codes of the spec layer are frictionless' own error types, passed through unchanged;
the codes below them are ours. Renaming a code is a breaking change.
"""

from __future__ import annotations

from dataclasses import dataclass

from nme_data.errors import Finding

__all__ = ["CODES", "Code", "Finding"]

#: The spec layer's budgets, named here for the catalogue (nme_data.validation.spec and .sandbox use them):
#: wall-clock time is a base plus an allowance per MiB of table files, so that a large honest package
#: (frictionless reads about 1 MiB in 0.3 s here) is never stopped, while a hang still ends.
SPEC_TIMEOUT_SECONDS = 60
SPEC_SECONDS_PER_MIB = 2
SPEC_MEMORY_GIB = 2


@dataclass(frozen=True)
class Code:
    """What a code means, where it comes from, and a typical example."""

    layer: str
    meaning: str
    example: str


CODES: dict[str, Code] = {
    # First of all: the copy's descriptor against the release's schema (nme_data.package.reference).
    "schema-differs": Code(
        "schema",
        "The copy's datapackage.json differs from the installed release's schema at one JSON path (the "
        "error's value); the message gives both values. Only version, created, contributors and sources may differ. "
        "No other check runs on such a copy; `nme-data adopt` gives it the release's schema.",
        "an enum value added at /resources/3/schema/fields/2/constraints/enum",
    ),
    # Pre-flight: the descriptor and the raw bytes, before any parser sees them.
    "descriptor-not-found": Code(
        "preflight", "The path holds no datapackage.json.", "nme-data validate /tmp/empty-dir"
    ),
    "descriptor-invalid-json": Code("preflight", "datapackage.json is not valid UTF-8 JSON.", "a trailing comma"),
    "descriptor-invalid": Code(
        "preflight", "The descriptor is not a JSON object, or a resource is malformed.", "resources is a string"
    ),
    "unsafe-path": Code(
        "preflight",
        "A path, schema, dialect, profile or snapshot path is not a regular file inside the package: a URL "
        "(in any spelling), an absolute path, '..', a backslash, a symlink leaving the package or looping, "
        "a FIFO, device or directory, a control character or an over-long name. It is never opened.",
        '"path": "../../etc/passwd"',
    ),
    "unsupported-feature": Code(
        "preflight",
        "The descriptor uses a feature outside the one form this validator reads (CSV files in the package, "
        "UTF-8, comma-delimited, one header row, standard profiles), or a pattern only a backtracking engine "
        "can run; the message names resource and property.",
        '"dialect": {"delimiter": ";"}',
    ),
    "descriptor-too-large": Code(
        "preflight",
        "datapackage.json (or a schema or dialect file it names) exceeds a budget: size, nesting depth "
        "or digits in a number (see Limits).",
        "an integer of 5000 digits",
    ),
    "header-order": Code(
        "preflight",
        "The header has exactly the schema's fields but in another order; the message gives the expected "
        "order. The table's rows are not checked until it is fixed.",
        "two columns swapped",
    ),
    "header-too-wide": Code(
        "preflight", "The header row has more columns or bytes than the budget (see Limits).", "100,000 columns"
    ),
    "too-many-rows": Code("preflight", "A table has more data rows than the budget (see Limits).", "2 million rows"),
    "cell-too-large": Code(
        "preflight", "A cell is longer than the budget (see Limits); the table is not parsed further.", "a 5 MB cell"
    ),
    "file-too-large": Code(
        "preflight",
        "A table or source snapshot file is larger than the budget (see Limits); it is not read.",
        "a 1 GB snapshot",
    ),
    "file-not-found": Code("preflight", "A resource's file does not exist.", "data/sites.csv deleted"),
    "empty-file": Code("preflight", "A resource's file is empty (not even a header row).", "a 0-byte sites.csv"),
    "nul-byte": Code("preflight", "A NUL byte in a text file; row is the line it is on.", "binary pasted into a cell"),
    "encoding-error": Code(
        "preflight",
        "Bytes that are not valid UTF-8; row is the line they are on, the message and hint name the likely "
        "encoding (cp1252, latin-1, utf-16) and the 'nme-data fmt --encoding' that converts it.",
        "a cell saved as Latin-1",
    ),
    "wrong-delimiter": Code(
        "preflight",
        "A table whose header splits into the schema's fields with another delimiter (';', tab, '|'): one error "
        "per table, naming it, instead of one per label; 'nme-data fmt --delimiter' converts it.",
        "sites.csv saved by a spreadsheet with ';'",
    ),
    # Spec layer: frictionless' error types, passed through (the common ones).
    "type-error": Code("spec", "A cell cannot be read as its field's type.", 'year "nineteen"'),
    "constraint-error": Code(
        "spec", "A cell breaks a constraint: required, enum, pattern, length, range.", 'prominence "often"'
    ),
    "primary-key": Code("spec", "Two rows share a primary key.", "two rows with id nme"),
    "unique-error": Code(
        "spec", "Two rows share a value in a unique field.", "a repeated value in a unique non-key field"
    ),
    "foreign-key": Code(
        "spec", "A reference points to no row of the referenced table.", "condition_id no-such-condition"
    ),
    "blank-row": Code("spec", "A row with no values.", "an empty line in the middle"),
    "extra-cell": Code("spec", "A row with more cells than the header.", "an unquoted comma"),
    "missing-cell": Code("spec", "A row with fewer cells than the header.", "a truncated row"),
    "extra-label": Code(
        "preflight",
        "A header column with no schema field (field names it): add the field to datapackage.json or drop the column.",
        "a column 'notes' added",
    ),
    "missing-label": Code(
        "preflight",
        "A schema field with no header column: add the column or remove the field from datapackage.json.",
        "column 'evidence' deleted",
    ),
    "incorrect-label": Code(
        "preflight",
        "A header label that differs from the schema's field name at that position (labels compare exactly).",
        "a column renamed, or ' id' with a space",
    ),
    "duplicate-label": Code("preflight", "The same label twice in the header.", "two 'id' columns"),
    "blank-label": Code("preflight", "An empty header label.", "a trailing comma in the header"),
    "source-error": Code("spec", "The file cannot be parsed as CSV.", "an unbalanced quote"),
    "scheme-error": Code("spec", "The file cannot be opened.", "a path that is a directory"),
    "format-error": Code("spec", "The file is not in the declared format.", "format: xlsx for a CSV"),
    "package-error": Code("spec", "The descriptor breaks the Data Package spec.", "a resource without a name"),
    "resource-error": Code("spec", "A resource breaks the Data Resource spec.", "a resource without a path"),
    "schema-error": Code("spec", "A Table Schema is invalid.", "a field without a name"),
    "field-error": Code("spec", "A field definition is invalid.", 'type "strnig"'),
    "general-error": Code("spec", "Any other error frictionless reports.", ""),
    # Semantic layer: the rules a Table Schema cannot express (nme_data.rules.semantic).
    "evidence-not-verbatim": Code(
        "semantic",
        "An evidence quote (or a part between ' [...] ') is not verbatim in the source snapshot it cites.",
        "a paraphrase, a changed word",
    ),
    "formula-injection": Code(
        "semantic",
        "A text cell begins with =, +, -, @, a tab or a carriage return, which spreadsheets run as a formula.",
        '=HYPERLINK("http://x")',
    ),
    "identifier-malformed": Code("semantic", "An identifier does not have its system's form.", "HP:12"),
    "identifier-system-mismatch": Code(
        "semantic", "object_source does not match the identifier's prefix.", "MONDO with HP:0000001"
    ),
    "identifier-unknown": Code(
        "semantic", "An identifier is not in the ontology snapshot shipped with the validator.", "HP:9999999"
    ),
    "identifier-obsolete": Code(
        "semantic", "An identifier is obsolete in the shipped ontology snapshot.", "a deprecated HPO term"
    ),
    "label-mismatch": Code(
        "semantic", "object_label is not the release's label for object_id.", "'Redness' for HP:0010783"
    ),
    "subject-not-found": Code(
        "semantic", "A mapping's subject_id is not a row of its subject_table.", "sites/no-such-site"
    ),
    "source-missing": Code(
        "semantic", "A source's snapshot file is missing or outside the package.", "source/article.txt deleted"
    ),
    "source-hash-mismatch": Code(
        "semantic", "A source's snapshot does not have the recorded SHA-256.", "the snapshot edited"
    ),
    "row-rule": Code(
        "semantic",
        "Cells of one row contradict each other.",
        "status proposed with no factor_id; frequency minimum above maximum",
    ),
    "check-error": Code("semantic", "A check could not run on this table; the cause is in the message.", ""),
    # Any layer: evidence that is no quote; a spec layer stopped by its budget.
    "evidence-too-short": Code(
        "semantic",
        "An evidence quote is no quote: a part around ' [...] ' is empty or has no word of 4 letters, "
        "or a cut quote has no part of at least 3 words.",
        '" [...] ", "the [...] of"',
    ),
    "budget-exceeded": Code(
        "spec",
        f"The spec layer went past its time ({SPEC_TIMEOUT_SECONDS} s plus {SPEC_SECONDS_PER_MIB} s per MiB of "
        f"table files) or memory ({SPEC_MEMORY_GIB} GiB) budget and was stopped.",
        "a table so wide that frictionless takes minutes",
    ),
    # Curation rules (nme_data.rules.curation): typed columns say no more than their quote or release.
    "certainty-overstated": Code(
        "semantic",
        "certainty is 'stated' but the row's quote hedges its fact ('may', 'is considered', 'suggested', 'proposed').",
        "certainty stated for 'but may also be found on the lower abdomen'",
    ),
    "certainty-unsupported": Code(
        "semantic",
        "certainty is hedged, attributed or proposed but the row's quote lacks that value's cue "
        "('may'; 'is considered'; 'suggested' or 'proposed').",
        "certainty hedged for 'a red, blistering rash'",
    ),
    "open-list-mismatch": Code(
        "semantic",
        "open_list disagrees with the quote: true needs a non-exhaustive-list cue ('including', 'a number of', "
        "'include'), and such a cue needs true.",
        "open_list false for 'are nonspecific and include: [...] epidermal necrosis'",
    ),
    "value-unlicensed": Code(
        "semantic",
        "A typed value the article's wording decides is not licensed by its row's text: the field's nme:cues "
        "declaration gives the value cue phrases and the text holds none of any value, and the value is not the "
        "field's no-cue default.",
        "associations strength 'strong' for 'NME has been described in as many as 70% of persons'",
    ),
    "value-contradicted": Code(
        "semantic",
        "The row's text holds a cue (named in the message) that licenses another value of the field, and no cue "
        "of the stored value (the field's nme:cues declaration).",
        "sites prominence 'characteristic' for 'although less commonly the abdomen ... may be affected'",
    ),
    "number-not-in-quote": Code(
        "semantic",
        "A numeric typed value (a percent bound, a year) is not written in its row's quote in any form its field "
        "declares (nme:inQuote): the quote says 70%, the cell must be 70.",
        "associations nme-glucagonoma-frequency frequency_max_percent 100 for 'as many as 70% of persons'",
    ),
    "number-qualifier-mismatch": Code(
        "semantic",
        "A numeric bound is filled (or empty) against its qualifier (nme:inQuote filledWhen): an upper bound has "
        "a maximum and no minimum, a range has both.",
        "associations frequency_min_percent 70 beside frequency_qualifier upper_bound",
    ),
    "elision-hides-cue": Code(
        "semantic",
        "An elision ' [...] ' of the row's quote cuts, from the clause of the part after it, a cue for a weaker "
        "value than the row claims (a hedge, a list opener, a qualifier, a prominence contrast) or a negation or "
        "comparison (nme:scopes); the message names the cue. See docs/cues.md for which elided text counts.",
        "sites intro-groin, characteristic and stated, quoting 'It particularly affects [...] groin'",
    ),
    "parts-out-of-order": Code(
        "semantic",
        "The parts of a quote joined by ' [...] ' are not in the article's order: a part sits before the one it "
        "follows.",
        "'After resection, the rash typically resolves within days. [...] Managing the original condition'",
    ),
    "quote-misses-row": Code(
        "semantic",
        "The row's quote names neither its subject nor its object: it holds no name of a field marked "
        "nme:namesRow (the site, feature or finding words, the name of the condition a key points to) nor a "
        "declared synonym. A real quote attached to the wrong row.",
        "sites intro-lower-abdomen with the quote 'although less commonly the abdomen, perineum ... may be affected'",
    ),
    "anchor-mismatch": Code(
        "semantic",
        "An evidence_anchors row's offsets do not hold its evidence part: snapshot[start:end] (code points, end "
        "exclusive, as a W3C TextPositionSelector) differs from the part, or the anchor cites another source than "
        "its row. `nme-data anchor PATH` rewrites the anchors (`nme-data reground --apply` for a new snapshot).",
        "evidence_anchors sites/intro-groin part 1 with start moved one character on",
    ),
    "anchor-missing": Code(
        "semantic",
        "A part of a fact row's evidence (verbatim in its snapshot) has no row in evidence_anchors: every part "
        "carries its offsets in the snapshot. `nme-data anchor PATH` writes them.",
        "a new sites row whose quote was never anchored",
    ),
    "anchor-orphan": Code(
        "semantic",
        "An evidence_anchors row names a table row that has no evidence, or a part number past the row's last "
        "part (parts are joined by ' [...] ', numbered from 1).",
        "evidence_anchors naming sites/no-such-row, or part 2 of a one-part quote",
    ),
    "section-mismatch": Code(
        "semantic",
        "A value decided by where the quote sits (a section, a kind of link) names a part of the article the "
        "quote is not in: the field's nme:sections declaration gives each value its headings.",
        "sites section 'introduction' for 'although less commonly the abdomen ... may be affected'",
    ),
    "predicate-overstated": Code(
        "semantic",
        "A skos:exactMatch whose matched_name the shipped ontology snapshot gives as neither the term's label "
        "nor an EXACT synonym.",
        "exactMatch HP:0025092 on 'Epidermal hyperplasia', a RELATED synonym",
    ),
    "matched-name-mismatch": Code(
        "semantic",
        "matched_name is neither the label nor a synonym of object_id in the shipped ontology snapshot.",
        "matched_name 'Redness' for HP:0010783",
    ),
    "duplicate-exact-match": Code(
        "semantic",
        "One object identifier is skos:exactMatch from two different subjects (exactMatch is transitive: "
        "it would make the two subjects the same).",
        "UBERON:0001416 exactMatch from both abdomen and lower-abdomen",
    ),
    "cross-kind-exact-match": Code(
        "semantic",
        "One subject is skos:exactMatch to both an HPO phenotype and a MONDO disease, which would make the two "
        "terms equivalent; one of them must be a closeMatch.",
        "diabetes-mellitus exactMatch to HP:0000819 and MONDO:0005015",
    ),
    # The tool-owned profile (nme_data.rules.profile): what the outputs rely on, whatever the copy's descriptor says.
    "profile-version": Code(
        "profile",
        "The descriptor's version is missing or not SemVer (MAJOR.MINOR.PATCH): file names are built from it.",
        '"version": "x/../../outside"',
    ),
    "profile-resource-path": Code(
        "profile",
        "A resource's path is not data/NAME.csv (NAME the resource name): the site and the zip publish tables "
        "only as CSV.",
        '"path": "data/history.html"',
    ),
    "profile-snapshot-path": Code(
        "profile",
        "A source snapshot path (sources.csv path) is not source/NAME.txt: snapshots are published as text.",
        "source/nme.html",
    ),
    "profile-url-scheme": Code(
        "profile",
        "A web address (homepage; a licence, source or contributor path; SSSOM URLs; a url column) is not "
        "http or https.",
        "javascript:alert(1)",
    ),
    "profile-control-character": Code(
        "profile",
        "A descriptor string or a cell holds a control character (newline, tab, DEL, C1, line separator, "
        "bidirectional override) that would forge lines or hide text in an output.",
        '"homepage": "https://x\\n#forged: line"',
    ),
    "profile-unsafe-value": Code(
        "profile",
        "An id cell or an enum value is not a safe token (a letter or digit, then letters, digits or '_.:/-'): "
        "outputs write them unquoted, and =, +, -, @ start spreadsheet formulas.",
        'an enum value "=1+1"',
    ),
    "profile-unsafe-name": Code(
        "profile",
        "A table or field name is not a lower-case identifier, or an SSSOM metadata key or CURIE prefix is not "
        "a plain key: they become file names, SQL identifiers, HTML ids and YAML keys.",
        '"name": "history.html"',
    ),
    "profile-missing-field": Code(
        "profile",
        "A field an export, the site or a curator command reads is missing from a table's schema, or the "
        "mappings' sssom metadata lacks a key SSSOM needs.",
        "mapping_justification removed",
    ),
    # The command line: a JSON or GitHub report even when the command itself was misused.
    "usage-error": Code(
        "cli", "The command line was wrong (exit 2); nothing was validated.", "validate A B --format json"
    ),
}
