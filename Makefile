# One command sets up and runs each job on a fresh clone (Python 3.11+ and pip are all it needs).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: venv test lint demo extract-seed fuzz bench clean

$(BIN)/badinh-crawl: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

venv: $(BIN)/badinh-crawl

## lint, type-check, then the whole test suite
test: venv
	$(BIN)/ruff check badinh_crawler tests benchmarks fuzz
	$(BIN)/ruff format --check badinh_crawler tests benchmarks fuzz
	$(BIN)/mypy badinh_crawler benchmarks fuzz
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check badinh_crawler tests benchmarks fuzz && $(BIN)/mypy badinh_crawler benchmarks fuzz

## serve the bundled mirror of the portal on 127.0.0.1 and crawl it into demo-output/
demo: venv
	$(BIN)/badinh-crawl demo --out demo-output

## extract the bundled seed page (the Ba Đình interview of December 2021) as JSON Lines
extract-seed: venv
	$(BIN)/badinh-crawl extract --url "$$($(BIN)/python -c 'import json;print(json.load(open("fixtures/seed-interview-liferay/meta.json"))["url"])')" fixtures/seed-interview-liferay/page.html

## fuzz the extractor with atheris for FUZZ_TIME seconds (fixture pages as seed corpus; findings in fuzz/findings/)
FUZZ_TIME ?= 300
FUZZ_ARGS ?=
fuzz: venv
	$(BIN)/python -m pip install --quiet -e '.[fuzz]'
	mkdir -p fuzz/corpus fuzz/findings
	for page in fixtures/*/page.html fixtures/hostile/*/page.html; do \
		cp "$$page" "fuzz/corpus/seed-$$(basename "$$(dirname "$$page")").html"; \
	done
	$(BIN)/python fuzz/fuzz_extract.py fuzz/corpus -dict=fuzz/extract.dict -max_total_time=$(FUZZ_TIME) \
		-timeout=30 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix=fuzz/findings/ $(FUZZ_ARGS)

## the benchmarks (45-50 min): extraction (and the template reader on lexbor), dates, crawl (one side after the other,
## then both at once), WARC re-extraction, extract --manifest, start-up;
## rewrites their sections of benchmarks/RESULTS.md.
## The crawl benchmark needs nginx (Debian: apt-get install -y nginx). BENCH_ARGS="--crawl-sizes 2000,10000 --paired-sizes 10000" to shorten.
$(VENV)/.bench: $(BIN)/badinh-crawl pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(VENV)/.bench
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis demo-output benchmarks/.corpus
