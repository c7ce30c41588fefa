# CareLedger: the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_STORE ?= .build/demo-store

.PHONY: all deps build test demo bench clean

all: build

# liblmdb-dev (and pkg-config, which SwiftPM uses to find it) from Debian's packages, once.
deps:
	@pkg-config --exists lmdb 2>/dev/null || { \
		echo "installing liblmdb-dev and pkg-config"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq liblmdb-dev pkg-config >/dev/null; }

build: deps
	$(SWIFT) build

# Unit and integration tests, then the library example (so it can never rot).
test: deps
	$(SWIFT) build
	$(SWIFT) test
	rm -rf .build/example-test-store
	$(SWIFT) run LedgerExample .build/example-test-store

demo: deps
	$(SWIFT) build -c release --product LedgerExample
	rm -rf $(DEMO_STORE)
	$(SWIFT) run -c release LedgerExample $(DEMO_STORE)

bench: deps
	$(SWIFT) package --package-path Benchmarks benchmark --no-progress

clean:
	rm -rf .build Benchmarks/.build
