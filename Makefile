# tcpwatch: the two commands in the README are `make demo` and `make test`.
SWIFT ?= swift
PREFIX ?= /usr/local
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/tcpwatch

MANDIR := $(PREFIX)/share/man/man1
BASHDIR := $(PREFIX)/share/bash-completion/completions
ZSHDIR := $(PREFIX)/share/zsh/site-functions
FISHDIR := $(PREFIX)/share/fish/vendor_completions.d

.PHONY: deps build release demo test test-ui ui-assets clean install uninstall man completions bench fuzz

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
	@for f in echo refused filtered two-conns http-get dns; do \
	  printf '\n\033[1m== tcpwatch read Fixtures/pcaps/%s.pcap\033[0m\n' "$$f"; \
	  $(BIN) read Fixtures/pcaps/$$f.pcap | head -n 30; \
	done
	@printf '\n\033[1m== tcpwatch conversations Fixtures/pcaps/nmap-ss.pcap\033[0m\n'; $(BIN) conversations Fixtures/pcaps/nmap-ss.pcap
	@printf '\n\033[1m== tcpwatch follow Fixtures/pcaps/echo.pcap --stream 0\033[0m\n'; $(BIN) follow Fixtures/pcaps/echo.pcap --stream 0
	@printf '\n\033[1m== tcpwatch flow Fixtures/pcaps/echo.pcap\033[0m\n'; $(BIN) flow Fixtures/pcaps/echo.pcap
	@printf '\n\033[1m== tcpwatch http Fixtures/pcaps/http-keepalive.pcap\033[0m\n'; $(BIN) http Fixtures/pcaps/http-keepalive.pcap

test: deps
	$(SWIFT) test
	$(SWIFT) test --package-path Examples/LabCheck
	$(MAKE) test-ui

# tcpwatch ui in headless Chromium (chromium, chromium-driver, python3-selenium); skips
# with the reason when they are missing.
test-ui:
	$(SWIFT) build --product tcpwatch
	$(SWIFT) build --product TcpwatchUI
	/usr/bin/python3 Tests/browser/test_ui.py

# The page's assets are embedded in the binary as Swift literals; run after editing them.
ui-assets:
	python3 scripts/gen-ui-assets.py

# The man page and the shell completions come from swift-argument-parser, not by hand.
man: release
	$(SWIFT) package generate-manual >/dev/null
	@mkdir -p .build/dist && cp .build/plugins/GenerateManual/outputs/tcpwatch/tcpwatch.1 .build/dist/

completions: release
	@mkdir -p .build/dist
	$(BIN) --generate-completion-script bash > .build/dist/tcpwatch.bash
	$(BIN) --generate-completion-script zsh > .build/dist/_tcpwatch
	$(BIN) --generate-completion-script fish > .build/dist/tcpwatch.fish

install: release man completions
	install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/tcpwatch
	install -D -m 755 .build/release/libTcpwatchUI.so $(DESTDIR)$(PREFIX)/lib/tcpwatch/libTcpwatchUI.so
	install -D -m 644 .build/dist/tcpwatch.1 $(DESTDIR)$(MANDIR)/tcpwatch.1
	install -D -m 644 .build/dist/tcpwatch.bash $(DESTDIR)$(BASHDIR)/tcpwatch
	install -D -m 644 .build/dist/_tcpwatch $(DESTDIR)$(ZSHDIR)/_tcpwatch
	install -D -m 644 .build/dist/tcpwatch.fish $(DESTDIR)$(FISHDIR)/tcpwatch.fish
	@echo "installed; to capture without sudo: sudo setcap cap_net_raw,cap_net_admin+eip $(DESTDIR)$(PREFIX)/bin/tcpwatch"

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tcpwatch $(DESTDIR)$(PREFIX)/lib/tcpwatch/libTcpwatchUI.so $(DESTDIR)$(MANDIR)/tcpwatch.1 $(DESTDIR)$(BASHDIR)/tcpwatch \
	      $(DESTDIR)$(ZSHDIR)/_tcpwatch $(DESTDIR)$(FISHDIR)/tcpwatch.fish

clean:
	rm -rf .build
