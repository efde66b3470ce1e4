"""Scrapy settings: polite by default. Override any of them with ``scrapy crawl ... -s NAME=VALUE``
(``badinh-crawl crawl`` sets several from its options)."""

from badinh_crawler import __version__

BOT_NAME = "badinh_crawler"
SPIDER_MODULES = ["badinh_crawler.spiders"]
NEWSPIDER_MODULE = "badinh_crawler.spiders"

# --- politeness: robots.txt, one request at a time per host, a delay, an honest User-Agent ---
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 5.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay is 50%-150% of DOWNLOAD_DELAY
USER_AGENT = f"badinh-crawler/{__version__} (research crawler; contact: CHANGE-ME@example.org)"

# --- the portal is slow to reach from abroad: long connect timeout, retries (500s included) ---
DOWNLOAD_TIMEOUT = 60  # the whole download, so a server that drips bytes is cut off too
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# a 429/503 asking to wait longer than this (seconds) is not retried
BADINH_RETRY_AFTER_MAX = 120.0
# other retryable answers wait this long before their first retry, doubled at each retry (0: at once)
BADINH_RETRY_BACKOFF = 1.0

# --- caps: no page is bigger (decompressed too: a gzip bomb stops here), no redirect chain longer ---
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # = extract.MAX_PAGE_BYTES: nothing is fetched that could not be read
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 10

# --- each distinct page once: the spider keeps its own frontier (in the state), keyed by the
# canonical URL; Scrapy's fingerprint filter would miss what canonicalisation catches ---
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"

# --- only the start URLs' hosts, redirects included ---
DOWNLOADER_MIDDLEWARES = {
    "badinh_crawler.middlewares.HostGuard": 50,
    "badinh_crawler.middlewares.RedirectGate": 60,
    # after RetryMiddleware (550) on the way in, so before it on the way out
    "badinh_crawler.middlewares.RetryAfter": 560,
    # before redirects (600) and decompression (590) on the way back: records what came over the wire
    "badinh_crawler.middlewares.WarcRecorder": 650,
}
# no ftp:// or s3://; the badinh spider fetches only http(s) (HostGuard), file:// stays for
# ``scrapy shell saved-page.html``
DOWNLOAD_HANDLERS = {"ftp": None, "s3": None}

# --- records: normalise, validate (rejects.jsonl), deduplicate, split per type ---
ITEM_PIPELINES = {
    "badinh_crawler.pipelines.NormalisePipeline": 100,
    "badinh_crawler.pipelines.ValidatePipeline": 200,
    "badinh_crawler.pipelines.OutputPipeline": 300,
}
# Scrapy starts this many asyncio workers for the output of every response (default 100, most of
# them idle: a page gives a few records and links); the pipelines are synchronous, so a few workers
# do the same work, without the per-page cost of a hundred tasks
CONCURRENT_ITEMS = 16
LOG_FORMATTER = "badinh_crawler.logformat.LogFormatter"
EXTENSIONS = {"badinh_crawler.report.RunReport": 500}
FEED_EXPORT_ENCODING = "utf-8"
# no listening consoles in an unattended crawler
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- badinh-crawler's own settings ---
# output directory of the per-type JSON Lines files, run.json and the state; unset: records go to
# Scrapy's feeds only (``-O all.jsonl``) and nothing is remembered between runs
BADINH_OUT_DIR = None
# the state database (default: OUT_DIR/state.sqlite)
BADINH_STATE = None
# the state commits its writes in groups: when a page is finished, once the group is this many seconds
# old (0: at every finished page); a kill loses at most that much work, which --resume does again
BADINH_COMMIT_INTERVAL = 0.25
# continue the interrupted run of OUT_DIR instead of starting a new one
BADINH_RESUME = False
# fetch every page again, known articles included (unchanged ones still give only a views record)
BADINH_FULL = False
# known articles published within this many days are fetched again to catch edits and view counts
BADINH_RECHECK_DAYS = 30
# YYYY-MM-DD: articles published before it are not written
BADINH_SINCE = None
# site_stats records: "once" per run, or "every-page" (one per page per run)
BADINH_SITE_STATS = "once"
# worker processes that extract the pages (1: in the crawl's own process; 0: one per usable core);
# more than one keeps the crawl from being bound by one core on a fast local mirror
BADINH_EXTRACT_JOBS = 1
# exit status 1 when more than this share of pages failed
BADINH_MAX_ERROR_RATE = 0.2
# exit status 3 when, over at least BADINH_DRIFT_MIN_PAGES article pages, the share with a
# title / a date / a body falls under these
BADINH_DRIFT_MIN_PAGES = 3
BADINH_DRIFT_MIN_TITLE = 0.9
BADINH_DRIFT_MIN_DATE = 0.8
BADINH_DRIFT_MIN_BODY = 0.9
# where pages come from: "live" (the start URLs) or "wayback" (the archive's captures of their hosts)
BADINH_SOURCE = "live"
BADINH_WAYBACK_URL = "https://web.archive.org"
BADINH_WAYBACK_FROM = None  # YYYY[MM[DD]]
BADINH_WAYBACK_TO = None
BADINH_ALL_CAPTURES = False  # every capture of a page, not only the newest
BADINH_CDX_PAGE_SIZE = 1000  # CDX rows per request (paged with resume keys)
# a directory: every request and response also goes into rolling WARC 1.1 files there
BADINH_WARC_OUT = None
BADINH_WARC_MAX_BYTES = 1_000_000_000
# progress: "auto" (live line on a terminal, log lines otherwise), "tty", "log" or "off"
BADINH_PROGRESS = "auto"
BADINH_PROGRESS_INTERVAL = 10.0
