"""The JSON Schemas of the four record types, and validation against them.

:func:`errors` first runs a validator compiled from the schema (fastjsonschema: plain Python code,
tens of times faster than walking the schema); only when that refuses the record does jsonschema
look at it, and its messages are the reasons (``rejects.jsonl``). The compiled check may be
stricter than jsonschema (a record it refuses and jsonschema accepts is valid, only slower to
tell), never laxer: ``tests/test_schemas.py`` runs both over every fixture's records and thousands
of broken ones, and checks that the schemas use no keyword that comparison does not cover.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator

from ..records import RECORD_TYPES

__all__ = ["errors", "full_errors", "schema"]


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


@cache
def _compiled(record_type: str) -> Callable[[Any], Any]:
    """fastjsonschema's validator of one record type, made to accept no more than jsonschema does.

    * no ``format`` checks (jsonschema checks none without a format checker; the schemas use none);
    * no defaults filled in: validation leaves the record as it is;
    * an array is a ``list`` only: the generated code also takes a ``tuple``, which jsonschema
      refuses (``is not of type 'array'``), so that is patched in the code before it is run.
    """
    code = fastjsonschema.compile_to_code(schema(record_type), use_default=False, use_formats=False)
    patched = code.replace("(list, tuple)", "(list,)")
    if "tuple" in patched:  # a fastjsonschema release that writes its code differently
        raise RuntimeError(f"cannot restrict fastjsonschema's arrays to lists in the {record_type} validator")
    namespace: dict[str, Any] = {}
    exec(compile(patched, f"<compiled {record_type}.schema.json>", "exec"), namespace)
    # the first function defined validates the whole record (any others would be $ref targets)
    validate: Callable[[Any], Any] = next(v for k, v in namespace.items() if k.startswith("validate") and callable(v))
    return validate


def errors(record: dict[str, Any]) -> list[str]:
    """Why ``record`` does not validate against its type's schema ([] when it does)."""
    record_type = record.get("type")
    if record_type not in RECORD_TYPES:
        return [f"unknown record type {record_type!r}"]
    try:
        _compiled(str(record_type))(record)
    except Exception:
        # refused by the compiled check (or it choked on a value): jsonschema decides, and says why
        return full_errors(record)
    return []


def full_errors(record: dict[str, Any]) -> list[str]:
    """:func:`errors` by jsonschema alone: every reason, in jsonschema's words."""
    record_type = record.get("type")
    if record_type not in RECORD_TYPES:
        return [f"unknown record type {record_type!r}"]
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '(record)'}: {err.message}"
        for err in _validator(str(record_type)).iter_errors(record)
    ]
