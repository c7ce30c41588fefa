# CareLedger: the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_STORE ?= .build/demo-store
DEMO_EVENTS ?= 50000

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
	$(SWIFT) package --package-path Benchmarks benchmark --no-progress

clean:
	rm -rf .build Benchmarks/.build
