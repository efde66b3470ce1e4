"""A run's outputs as a BagIt bag (RFC 8493): the records, the run reports, the JSON Schemas they
follow and the WARCs they came from, with SHA-256 manifests, for deposit in a repository.

Layout of the bag's ``data/``: the output directory's ``*.jsonl`` files, ``run.json``, ``runs/``,
``warc/`` (and any ``*.warc.gz`` beside them) as they are, and ``schemas/`` with the package's JSON
Schemas. The state database and the lock are not part of it."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import bagit

from .. import __version__

__all__ = ["export_bagit", "validate_bag"]

_DESCRIPTION = (
    "News records (articles, interview question/answer pairs, related-news snippets, visitor counts) extracted by "
    "badinh-crawler from the Ba Đình district portal of Hanoi, as JSON Lines, with the JSON Schemas they follow, "
    "the run reports and, when the crawl kept them, the WARC files of the pages fetched."
)


def export_bagit(dest: str | os.PathLike[str], outdir: str | os.PathLike[str], *, info: Mapping[str, Any] | None = None) -> Path:
    """Make the bag ``dest`` (which must not exist, or be an empty directory) from the run outputs in
    ``outdir``; returns its path. ``info`` adds to or overrides the bag-info fields (Source-Organization,
    Contact-Email, External-Description...; a list value repeats the field). The crawl's run id, start,
    end, crawler version and exit status are taken from ``run.json``. The bag is built beside ``dest``
    and moved into place when complete."""
    target = Path(dest)
    source = Path(outdir)
    if not source.is_dir():
        raise FileNotFoundError(f"{source}: no such output directory")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(f"{target}: exists and is not an empty directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        copied = _copy_payload(source, staging)
        if not copied:
            raise FileNotFoundError(f"{source}: no run outputs (*.jsonl, run.json, runs/, warc/) to bag")
        _copy_schemas(staging / "schemas")
        bagit.make_bag(str(staging), _bag_info(source, info or {}), checksums=["sha256"])
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def validate_bag(path: str | os.PathLike[str]) -> list[str]:
    """What is wrong with the bag at ``path`` according to bagit's own validator (every manifest
    checksum recomputed); [] when it is valid."""
    try:
        bag = bagit.Bag(str(path))
    except bagit.BagError as exc:
        return [f"not a bag: {exc}"]
    problems: list[str] = []
    if "sha256" not in bag.algorithms:
        problems.append(f"no sha256 manifest (manifests: {', '.join(bag.algorithms) or 'none'})")
    try:
        bag.validate()
    except bagit.BagValidationError as exc:
        problems.extend(str(d) for d in exc.details)
        if not exc.details:
            problems.append(str(exc.message))
            if "Oxum" in str(exc.message):  # files added or removed: say which
                in_manifest_only, on_disk_only = bag.compare_manifests_with_fs()
                problems.extend(f"{p} is in the manifest but not in the bag" for p in sorted(in_manifest_only))
                problems.extend(f"{p} is in the bag but not in the manifest" for p in sorted(on_disk_only))
    except bagit.BagError as exc:
        problems.append(str(exc))
    return problems


def _copy_payload(source: Path, staging: Path) -> list[str]:
    copied: list[str] = []
    for path in sorted(source.iterdir()):
        if path.is_file() and (path.suffix == ".jsonl" or path.name == "run.json" or path.name.endswith((".warc.gz", ".warc"))):
            shutil.copy2(path, staging / path.name)
            copied.append(path.name)
        elif path.is_dir() and path.name in ("runs", "warc"):
            shutil.copytree(path, staging / path.name)
            copied.append(path.name + "/")
    return copied


def _copy_schemas(target: Path) -> None:
    target.mkdir()
    schemas = resources.files("badinh_crawler.schemas")
    for entry in sorted(schemas.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".schema.json"):
            (target / entry.name).write_bytes(entry.read_bytes())


def _bag_info(source: Path, info: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "External-Description": _DESCRIPTION,
        "Bag-Software-Agent": f"badinh-crawler/{__version__} (bagit.py {bagit.VERSION})",
    }
    run = _run(source)
    for field, key in (
        ("Crawl-Run-Id", "run_id"),
        ("Crawl-Start", "started_at"),
        ("Crawl-End", "finished_at"),
        ("Crawler-Version", "version"),
    ):
        if run.get(key):
            fields[field] = str(run[key])
    if run.get("start_urls"):
        fields["Crawl-Start-URL"] = [str(u) for u in run["start_urls"]]
    exit_status = run.get("exit")
    if isinstance(exit_status, dict) and "status" in exit_status:
        fields["Crawl-Exit-Status"] = f"{exit_status['status']} {exit_status.get('reason') or ''}".strip()
    for name, value in info.items():
        if value is None or value == "" or value == []:
            fields.pop(name, None)
        else:
            fields[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return fields


def _run(source: Path) -> dict[str, Any]:
    try:
        loaded = json.loads((source / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}
