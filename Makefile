# Two entry points on a fresh machine with Python 3.11 and make:
#   make demo   - create .venv, install, run the main job on the sample script into output/
#   make test   - create .venv with test extras and run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SAMPLE := seeds/shengming-zhongyu-taishan.txt
OUT ?= output

.PHONY: demo test venv bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

demo: venv
	$(VENV)/bin/subtoolkit parse $(SAMPLE) --json -o $(OUT)/shengming-zhongyu-taishan.blocks.json
	$(VENV)/bin/subtoolkit parse $(SAMPLE)

test: venv
	$(PY) -m pytest

bench: venv
	$(PY) bench/bench_parse.py

clean:
	rm -rf $(VENV) .pytest_cache
