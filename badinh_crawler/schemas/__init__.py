"""The JSON Schemas of the four record types, and validation against them."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from ..records import RECORD_TYPES


@cache
def schema(record_type: str) -> dict[str, Any]:
    """The JSON Schema of one record type."""
    if record_type not in RECORD_TYPES:
        raise KeyError(f"unknown record type {record_type!r}")
    text = resources.files(__package__).joinpath(f"{record_type}.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator(record_type: str) -> Draft202012Validator:
    return Draft202012Validator(schema(record_type))


def errors(record: dict[str, Any]) -> list[str]:
    """Why ``record`` does not validate against its type's schema ([] when it does)."""
    record_type = record.get("type")
    if record_type not in RECORD_TYPES:
        return [f"unknown record type {record_type!r}"]
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '(record)'}: {err.message}"
        for err in _validator(str(record_type)).iter_errors(record)
    ]
