# ecabinet — two commands: `make run` and `make test` (both bootstrap everything first).
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := FLASK_APP=ecabinet $(VENV)/bin/flask
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTHON ?= python3
VENDOR := static/vendor

.PHONY: run test bench lock bootstrap assets translations migrate seed clean

run: bootstrap migrate seed
	HOST=$(HOST) PORT=$(PORT) $(PY) -m ecabinet.serve

# In parallel (pytest-xdist): one process more than the cores, since browser, socket and server tests spend
# much of their time waiting (on 2 cores, from a fresh clone: 3 processes 10:35, 2 processes 12:02, 4 processes
# 11:45); a module's browser tests stay together (loadgroup). PYTEST_WORKERS=0 runs in this process; PYTEST_ARGS
# is appended (PYTEST_ARGS='-k login').
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE): the test servers, workers
# and CLI runs are some hundred fresh interpreters, each compiling the application from source otherwise.
test: bootstrap
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

bench: bootstrap
	$(PY) -m bench

bootstrap: $(VENV)/.installed assets translations

# Exactly the locked, hash-checked versions (requirements.lock, made by `make lock`); the project itself
# is installed without dependencies and built with the locked setuptools, so nothing unpinned comes in.
$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Refreshes the lock from pyproject.toml (pip-tools, run from a throwaway venv so the lock never locks itself).
PIP_TOOLS := pip-tools==7.7.0
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet '$(PIP_TOOLS)'
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null .lock-venv/bin/pip-compile --quiet --upgrade --generate-hashes \
	   --allow-unsafe --strip-extras --extra test --all-build-deps --no-emit-index-url --no-emit-find-links \
	   -o requirements.lock pyproject.toml
	rm -rf .lock-venv

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Front-end packages come from npm and are served by the app itself: no CDN on an intranet.
assets: node_modules/.installed
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons $(VENDOR)/swagger-ui $(VENDOR)/fonts $(VENDOR)/socket.io \
	   $(VENDOR)/chartjs
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
	   $(VENDOR)/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts \
	   node_modules/bootstrap-icons/icons/bank2.svg $(VENDOR)/bootstrap-icons/
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js \
	   $(VENDOR)/swagger-ui/
	cp node_modules/dejavu-fonts-ttf/ttf/DejaVuSerif.ttf node_modules/dejavu-fonts-ttf/ttf/DejaVuSerif-Bold.ttf \
	   node_modules/dejavu-fonts-ttf/ttf/DejaVuSerif-Italic.ttf node_modules/dejavu-fonts-ttf/ttf/DejaVuSerif-BoldItalic.ttf \
	   node_modules/dejavu-fonts-ttf/LICENSE $(VENDOR)/fonts/
	cp node_modules/socket.io-client/dist/socket.io.min.js node_modules/socket.io-client/dist/socket.io.min.js.map \
	   $(VENDOR)/socket.io/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map \
	   node_modules/chart.js/LICENSE.md $(VENDOR)/chartjs/
	# pdf.js (legacy build: older tablet browsers), its worker, and the data it fetches on demand
	rm -rf $(VENDOR)/pdfjs && mkdir -p $(VENDOR)/pdfjs
	cp node_modules/pdfjs-dist/legacy/build/pdf.min.mjs node_modules/pdfjs-dist/legacy/build/pdf.worker.min.mjs \
	   node_modules/pdfjs-dist/LICENSE $(VENDOR)/pdfjs/
	cp -r node_modules/pdfjs-dist/cmaps node_modules/pdfjs-dist/standard_fonts node_modules/pdfjs-dist/wasm \
	   node_modules/pdfjs-dist/iccs $(VENDOR)/pdfjs/

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d ecabinet/translations

migrate: $(VENV)/.installed
	$(FLASK) db upgrade

seed: $(VENV)/.installed
	$(FLASK) seed-demo --if-empty

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache
