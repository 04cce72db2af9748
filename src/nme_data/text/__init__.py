"""Plain-text helpers below the rules: the article's sentences, the linear-time patterns, the ontology snapshot.

No pandas here, and nothing from `nme_data.rules` or above: the rules and the validator import these.
"""
