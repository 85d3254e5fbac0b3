# Quick start on a fresh Debian machine with Swift:  make demo  (renders samples/ into out/, offline)
#                                                    make test
SWIFT ?= swift
DEPS := libcairo2-dev libpng-dev fonts-dejavu-core libcfitsio-dev
SAMPLES := ZTF18aabjigr ZTF18acefvuh ZTF19acihgng ZTF25ackyyzk ZTF17aaacxxf
RUBIN := 170028485706776685
OUT ?= out
BIN = $$($(SWIFT) build --show-bin-path)/finkplot

.PHONY: deps build demo test gallery clean bench bench-reference

# Installs the system libraries only when one is missing (apt, as root or through sudo).
deps:
	@missing=""; for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build --product finkplot

demo: build
	mkdir -p $(OUT)
	$(BIN) lightcurve --from samples $(SAMPLES) --output-dir $(OUT)
	$(BIN) lightcurve --from samples ZTF18aabjigr -o $(OUT)/ZTF18aabjigr_lightcurve.svg
	$(BIN) lightcurve --from samples ZTF18aabjigr -o $(OUT)/ZTF18aabjigr_lightcurve.pdf
	$(BIN) cutouts --from samples $(SAMPLES) -o $(OUT)/cutouts.png --colorbar
	$(BIN) cutouts --from samples ZTF18acefvuh -o $(OUT)/ZTF18acefvuh_cutouts.pdf --raw $(OUT)/stamps
	$(BIN) card --from samples ZTF18aabjigr ZTF25ackyyzk --output-dir $(OUT)/cards
	$(BIN) card --from samples ZTF18acefvuh -o $(OUT)/ZTF18acefvuh_card.pdf --save-spec $(OUT)/ZTF18acefvuh_card.json
	$(BIN) render $(OUT)/ZTF18acefvuh_card.json -o $(OUT)/ZTF18acefvuh_card_again.pdf
	cmp $(OUT)/ZTF18acefvuh_card.pdf $(OUT)/ZTF18acefvuh_card_again.pdf
	$(BIN) lightcurve --from samples $(RUBIN) -o $(OUT)/$(RUBIN)_lightcurve.png
	$(BIN) lightcurve --from samples $(RUBIN) --y diffflux -o $(OUT)/$(RUBIN)_diffflux.pdf --table $(OUT)/$(RUBIN)_diffflux.csv
	$(BIN) card --from samples $(RUBIN) -o $(OUT)/$(RUBIN)_card.png
	$(BIN) cutouts --from samples $(RUBIN) ZTF18acefvuh -o $(OUT)/cutouts_rubin_ztf.png --colorbar
	$(BIN) anomaly --from samples/anomaly.json -o $(OUT)/anomaly.png --table $(OUT)/anomaly.csv
	$(BIN) stats --from samples/statistics_2021.json --date 2021 -o $(OUT)/stats_2021.png --table $(OUT)/stats_2021.csv
	$(BIN) stats --from samples/statistics_2021.json --date 202103 --plot classes --top 4 -o $(OUT)/stats_202103_classes.pdf
	@echo "figures are in $(OUT)/"

# Every style preset, axis mode and y quantity, drawn from samples/ into docs/gallery (README).
GALLERY ?= docs/gallery
gallery: build
	mkdir -p $(GALLERY)
	$(BIN) lightcurve --from samples ZTF18aabjigr -o $(GALLERY)/screen.png
	$(BIN) lightcurve --from samples ZTF19acihgng -o $(GALLERY)/paper.png --style paper --palette colorblind
	$(BIN) lightcurve --from samples ZTF17aaacxxf -o $(GALLERY)/paper-wide-date.png --style paper-wide --time date --palette colorblind
	$(BIN) lightcurve --from samples ZTF19acihgng -o $(GALLERY)/talk-since-first.png --style talk --time since-first --top-axis date
	$(BIN) lightcurve --from samples ZTF19acihgng -o $(GALLERY)/dark-dcmag.png --style dark --y dcmag
	$(BIN) lightcurve --from samples ZTF18acefvuh -o $(GALLERY)/flux.png --y flux
	$(BIN) lightcurve --from samples ZTF18aabjigr -o $(GALLERY)/dcmag-window.png --y dcmag --since 2019-10-01 --until 2019-10-20
	$(BIN) card --from samples ZTF18acefvuh -o $(GALLERY)/card-paper-wide.png --style paper-wide --palette colorblind
	$(BIN) card --from samples ZTF18acefvuh -o $(GALLERY)/card-dark.png --style dark --time since-first
	$(BIN) lightcurve --from samples 170028485706776685 -o $(GALLERY)/rubin-mag.png
	$(BIN) lightcurve --from samples 170028485706776685 -o $(GALLERY)/rubin-diffflux-paper.png --style paper --y diffflux --palette colorblind
	$(BIN) lightcurve --from samples 170028485706776685 -o $(GALLERY)/rubin-diffmag-dark.png --style dark --y diffmag --time date
	$(BIN) card --from samples 170028485706776685 -o $(GALLERY)/rubin-card.png
	$(BIN) cutouts --from samples 170028485706776685 ZTF18acefvuh -o $(GALLERY)/cutouts-rubin-ztf.png --colorbar

# Serially: on two cores, tests that render or parse on the cooperative pool starve the
# in-process HTTP servers of other tests running beside them (requests then time out).
test: deps
	$(SWIFT) test --no-parallel

clean:
	rm -rf .build $(OUT)

# Timed benchmarks of the batch path (release build, about 6 minutes); results go in README.md.
bench: deps bench-reference
	$(SWIFT) run -c release finkplot-bench

# pandas + matplotlib for the Rubin scenario's reference (scripts/bench_reference_lsst.py), from
# PyPI when missing; only for bench, never for test. Without python3 the bench skips the ratio.
bench-reference:
	@if command -v python3 >/dev/null && ! python3 -c "import pandas, matplotlib" 2>/dev/null; then \
	  echo "installing pandas and matplotlib for the benchmark's reference"; \
	  python3 -m pip install --quiet matplotlib pandas || python3 -m pip install --quiet --break-system-packages matplotlib pandas; \
	fi
