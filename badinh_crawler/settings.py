"""Scrapy settings: polite by default. Override any of them with ``scrapy crawl ... -s NAME=VALUE``."""

from badinh_crawler import __version__

BOT_NAME = "badinh_crawler"
SPIDER_MODULES = ["badinh_crawler.spiders"]
NEWSPIDER_MODULE = "badinh_crawler.spiders"

# --- politeness: robots.txt, one request at a time per host, a delay, an honest User-Agent ---
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 5.0
RANDOMIZE_DOWNLOAD_DELAY = True
USER_AGENT = f"badinh-crawler/{__version__} (research crawler; contact: CHANGE-ME@example.org)"

# --- the portal is slow to reach from abroad: long connect timeout, retries ---
DOWNLOAD_TIMEOUT = 60
RETRY_ENABLED = True
RETRY_TIMES = 3

# --- output ---
FEED_EXPORT_ENCODING = "utf-8"
