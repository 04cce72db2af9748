"""Run `kgx validate` on the KGX export offline (maintenance check, not part of the test suite).

kgx 2.6 cannot share the test venv (it pins numpy, pandas and pyarrow below this project's ranges), and at
import it fetches the Biolink model, its predicate map and a JSON-LD context from the web. This script runs
it in its own environment with those three pointed at local files: the model YAML and prefix map shipped
in the `biolink-model` wheel, and an empty predicate map (used only to translate old predicates).

    python -m venv /tmp/kgx && /tmp/kgx/bin/pip install kgx 'biolink-model>=4.4,<4.5'
    nme-data export --format kgx --out /tmp/kgx-out
    /tmp/kgx/bin/python scripts/kgx_validate.py /tmp/kgx-out/nme-data_nodes.tsv /tmp/kgx-out/nme-data_edges.tsv \
        datapackage.json

The package's own prefix (and the others its SSSOM curie_map declares) are added to Biolink's prefix map,
as a knowledge-graph build registers the prefixes of each source it ingests. Prints kgx's errors grouped by
type (exit 1 if there are any); no connection is opened.
"""

from __future__ import annotations

import json
import socket
import sys
from importlib import resources
from pathlib import Path
from typing import Any


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise OSError("network access is disabled for this check")


def declared_prefixes(descriptor_path: str) -> dict[str, str]:
    """The curie_map of the mappings resource's SSSOM metadata in datapackage.json."""
    descriptor = json.loads(Path(descriptor_path).read_text(encoding="utf-8"))
    for resource in descriptor.get("resources", []):
        if isinstance(resource, dict) and isinstance(resource.get("sssom"), dict):
            return dict(resource["sssom"].get("curie_map") or {})
    return {}


def main(nodes: str, edges: str, descriptor_path: str) -> int:
    socket.socket.connect = _refuse  # type: ignore[method-assign]
    socket.getaddrinfo = _refuse  # type: ignore[assignment]
    schema = resources.files("biolink_model") / "schema" / "biolink_model.yaml"
    prefixes = json.loads(
        (resources.files("biolink_model") / "prefixmaps" / "biolink-model-prefix-map.json").read_text("utf-8")
    )
    import bmt.toolkit

    original = bmt.toolkit.Toolkit.__init__

    def local_toolkit(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("schema", None)
        kwargs.pop("predicate_map", None)
        original(self, str(schema), {"predicate mappings": []}, **kwargs)

    bmt.toolkit.Toolkit.__init__ = local_toolkit  # type: ignore[method-assign]
    import kgx.config

    prefixes = {**declared_prefixes(descriptor_path), **prefixes}
    for name in ("biolink", "monarch_context", "obo_context"):
        kgx.config.jsonld_context_map[name] = prefixes
    from kgx.transformer import Transformer
    from kgx.validator import Validator

    validator = Validator(verbose=False)
    Transformer(stream=True).transform(
        input_args={"filename": [nodes, edges], "format": "tsv"}, output_args={"format": "null"}, inspector=validator
    )
    errors = validator.get_errors()
    count = 0
    for level, by_type in errors.items():
        for kind, by_message in by_type.items():
            print(f"{level} {kind}: {len(by_message)} message(s)")
            for message, where in list(by_message.items())[:5]:
                print(f"    {message} ({len(where)} record(s))")
            count += len(by_message)
    print("kgx validate: no errors" if not count else f"kgx validate: {count} message(s)")
    return 1 if count else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
