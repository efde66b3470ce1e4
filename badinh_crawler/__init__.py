"""badinh-crawler: crawler and structured-content extractor for the Ba Đình district portal."""

__version__ = "0.1.0"
