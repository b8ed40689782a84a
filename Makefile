# tcpwatch: the two commands in the README are `make demo` and `make test`.
SWIFT ?= swift
PREFIX ?= /usr/local
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/tcpwatch

.PHONY: deps build release demo test clean

# Installs what a fresh Debian/Ubuntu machine lacks: libpcap's headers and pkg-config.
deps:
	@if ! pkg-config --exists libpcap 2>/dev/null; then \
	  echo "installing libpcap-dev and pkg-config"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libpcap-dev pkg-config >/dev/null; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Builds and runs tcpwatch on every bundled lab capture: no root, no network.
demo: release
	@for f in Fixtures/pcaps/*.pcap Fixtures/pcaps/*.pcapng; do \
	  [ -f "$$f" ] || continue; \
	  printf '\n\033[1m== %s\033[0m\n' "$$f"; \
	  $(BIN) read "$$f" | head -n 40; \
	done

test: deps
	$(SWIFT) test

clean:
	rm -rf .build
