"""Scrapy spiders of the project (they decide where to go; extraction lives in badinh_crawler.extract)."""
