# CareLedger: the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_STORE ?= .build/demo-store
DEMO_EVENTS ?= 50000

.PHONY: all deps build test demo bench bench-baseline bench-check clean

all: build

# liblmdb-dev (and pkg-config, which SwiftPM uses to find it) from Debian's packages, once.
deps:
	@pkg-config --exists lmdb 2>/dev/null || { \
		echo "installing liblmdb-dev and pkg-config"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq liblmdb-dev pkg-config >/dev/null; }

build: deps
	$(SWIFT) build

# Unit, integration and end-to-end tests, then the README's examples (so they can never rot).
test: deps
	$(SWIFT) build
	$(SWIFT) test
	rm -rf .build/example-test-store .build/service-example-store
	$(SWIFT) run LedgerExample .build/example-test-store
	$(SWIFT) run ServiceExample .build/service-example-store

# A generated history imported into a new local store, the three reports, an audit, verify.
demo: deps
	$(SWIFT) build -c release --product careledger
	rm -rf $(DEMO_STORE)
	.build/release/careledger demo --store $(DEMO_STORE) --events $(DEMO_EVENTS)

bench: deps
	$(SWIFT) package --package-path Benchmarks benchmark --no-progress $(BENCH_ARGS)

# Regression guard. `make bench-baseline` records a run as the baseline $(BENCH_BASELINE) (in
# Benchmarks/.benchmarkBaselines, not in git); `make bench-check` runs the benchmarks again and
# compares every metric that has a threshold with it (the replay's ratio to the C scan and its
# allocations per event, in ReportReplay's summary; rates, wall clock, allocation counts).
# A regression fails; being only better than a threshold passes with a note to record a new
# baseline (the plugin exits 1 for both, so the check reads its verdict from the output, kept in
# Benchmarks/.results/bench-check.log). BENCH_ARGS narrows both, e.g. BENCH_ARGS="--target ReportReplay".
BENCH_BASELINE ?= local
BENCH_CHECK_LOG := Benchmarks/.results/bench-check.log
bench-baseline: deps
	$(SWIFT) package --package-path Benchmarks --allow-writing-to-package-directory benchmark baseline update $(BENCH_BASELINE) --no-progress $(BENCH_ARGS)

bench-check: deps
	@mkdir -p Benchmarks/.results
	@{ $(SWIFT) package --package-path Benchmarks benchmark baseline check $(BENCH_BASELINE) --no-progress $(BENCH_ARGS); \
	   echo $$? > $(BENCH_CHECK_LOG).status; } 2>&1 | tee $(BENCH_CHECK_LOG)
	@status=$$(cat $(BENCH_CHECK_LOG).status); \
	if [ "$$status" -ne 0 ] && ! grep -q "is WORSE than" $(BENCH_CHECK_LOG) && grep -q "is BETTER than" $(BENCH_CHECK_LOG); then \
	  echo "bench-check: no regression; better than baseline '$(BENCH_BASELINE)' beyond a threshold (record a new one with make bench-baseline)"; exit 0; fi; \
	if [ "$$status" -ne 0 ]; then echo "bench-check: FAILED against baseline '$(BENCH_BASELINE)' (see $(BENCH_CHECK_LOG))"; fi; \
	exit $$status

clean:
	rm -rf .build Benchmarks/.build
