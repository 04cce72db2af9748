"""The rules a Table Schema cannot express, defined once as plain pandas functions.

`nme_data.validation` runs them on every copy; `nme_data.schemas` wraps the same functions as pandera checks.
Modules: `rule` (the `Rule` record and its `code|field|message` name), `semantic` (evidence, identifiers,
labels, formulas), `curation` (certainty, open lists, predicates: typed values say no more than their quote).
"""
