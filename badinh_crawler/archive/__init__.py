"""Archives in and out: WARC/WACZ pages as extractor input, WARC output of a crawl, Wayback Machine
CDX queries and captures, BagIt packaging of a run. No Scrapy here: the spider and the CLI use these."""
