# Two entry points on a fresh machine with Python 3.11 and make:
#   make demo   - create .venv, install, run the main job on the sample script into output/
#   make test   - create .venv with test extras and run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SAMPLE := seeds/shengming-zhongyu-taishan.txt
OUT ?= output

.PHONY: demo test lint venv bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

# The W3C WebVTT parser the tests use as an independent oracle (npm registry).
tests/js/node_modules/.installed: tests/js/package.json
	cd tests/js && npm install --no-audit --no-fund --loglevel=error
	touch $@

demo: venv
	$(VENV)/bin/subtoolkit build $(SAMPLE) -o $(OUT) --variants s2twp,s2hk

test: venv tests/js/node_modules/.installed lint
	$(PY) -m pytest

# Lines within 120 columns and the pure stages fully typed (pyproject.toml says what is checked).
lint: venv
	$(VENV)/bin/ruff check subtoolkit tests bench
	$(VENV)/bin/mypy

bench: venv
	$(PY) bench/bench_parse.py
	$(PY) bench/bench_subtitles.py
	$(PY) bench/bench_build.py
	$(PY) bench/bench_convert.py
	$(PY) bench/bench_voice.py
	$(PY) bench/bench_align.py

clean:
	rm -rf $(VENV) .pytest_cache
