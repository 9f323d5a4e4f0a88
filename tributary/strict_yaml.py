"""YAML for hand-edited configuration: a key given twice in one mapping is an error, and an
unknown key is an error that suggests the key that was probably meant.

Plain ``yaml.safe_load`` keeps the last of two equal keys without a word; in ``accounts.yaml``
that once pointed one account at another's folder.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import yaml


class DuplicateKeyError(ValueError):
    """A mapping holds the same key twice; the message gives both line numbers."""


class _StrictLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise DuplicateKeyError(
                f"key '{key}' is given twice in one mapping (lines {seen[key]} and {line}); "
                "keep one"
            )
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(text: str) -> Any:
    """``yaml.safe_load`` that rejects duplicate keys (DuplicateKeyError)."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass


def unknown_keys_message(where: str, unknown: Iterable[str], allowed: Iterable[str]) -> str:
    """``<where>: unknown key 'curency' (did you mean 'currency'?); allowed: ...``."""
    allowed = sorted(allowed)
    parts = []
    for key in sorted(str(k) for k in unknown):
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        parts.append(f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    noun = "key" if len(parts) == 1 else "keys"
    return f"{where}: unknown {noun} {', '.join(parts)}; allowed: {', '.join(allowed)}"
