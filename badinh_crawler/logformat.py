"""Log formatting: records skipped as duplicates are routine (DEBUG), other drops stay warnings."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import logformatter

from .pipelines import Duplicate


class LogFormatter(logformatter.LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None) -> Any:
        entry = super().dropped(item, exception, response, spider)
        if entry is not None and isinstance(exception, Duplicate):
            entry["level"] = logging.DEBUG
        return entry
