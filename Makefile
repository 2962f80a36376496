# Every target creates .venv and installs the pinned requirements on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

KATA   ?=
PART   ?=
TARGET ?= katas
REDIS_URL ?=
export REDIS_URL

# Naming the kata's file spares collecting every other suite.
PYTEST_ARGS := --target=$(TARGET) $(if $(KATA),--kata=$(KATA) $(wildcard tests/test_$(KATA).py)) \
               $(if $(PART),--part=$(PART))

.DEFAULT_GOAL := help
.PHONY: help test verify bench lint progress hint watch compare reset clean

help:
	@echo "make test [KATA=lru] [PART=1] [TARGET=katas|solutions|DIR]  run the suites"
	@echo "make progress                   where you are, kata by kata"
	@echo "make hint KATA=lru [RESET=1]    one more hint each time"
	@echo "make watch KATA=lru             re-run the tests whenever katas/ changes"
	@echo "make compare KATA=lru           your module beside the reference"
	@echo "make reset KATA=lru             restore the stub (your file is kept as a copy)"
	@echo "make bench [KATA=lru]           speed of the references against their baselines"
	@echo "make verify                     the repository's own check (CI runs this)"

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

verify: $(STAMP)
	$(PY) tools/verify.py

bench: $(STAMP)
	$(PY) bench/run.py $(if $(KATA),--kata=$(KATA))

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy solutions

progress: $(STAMP)
	@$(PY) tools/learner.py progress

hint: $(STAMP)
	@$(PY) tools/learner.py hint $(KATA) $(if $(RESET),--reset)

watch: $(STAMP)
	@$(PY) tools/learner.py watch $(KATA) $(if $(PART),--part=$(PART))

compare: $(STAMP)
	@$(PY) tools/learner.py compare $(KATA)

reset: $(STAMP)
	@$(PY) tools/learner.py reset $(KATA)

clean:
	rm -rf $(VENV) .hypothesis .mypy_cache .ruff_cache
