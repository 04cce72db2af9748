"""The rules a Table Schema cannot express, defined once as plain pandas functions, one module per rule.

`nme_data.validation` runs them on every copy; `nme_data.frames.schemas` wraps the same functions as pandera
checks; both ask `semantic.semantic_rules`, which iterates over `registry` (the rule modules, in the order they
run). Each rule module ends in `RULE = base.plugin(...)`: its codes (meaning, example), the fields and tables
it applies to, the descriptor properties it reads and its builder. `rule` is the `Rule` record and its
`code|field|message` name; `context` the cross-table `Context` and shared helpers. Importing this package
(or `base`, `registry`) loads no rule: the registry imports them on first use.
"""
