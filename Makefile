# Every target creates .venv and installs the pinned requirements on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
MUTATE_STAMP := $(VENV)/.installed-mutate

KATA   ?=
PART   ?=
MINUTES ?= 45
ROUNDS ?= 10
TARGET ?= katas
REDIS_URL ?=
export REDIS_URL

REDIS_SUITES = $(shell $(PYTHON) -c "import tomllib; print(' '.join('tests/test_' + k['name'] + '.py' for k in tomllib.load(open('katas.toml','rb'))['kata'] if k['redis']))")

# Naming the kata's file spares collecting every other suite.
PYTEST_ARGS := --target=$(TARGET) $(if $(KATA),--kata=$(KATA) $(wildcard tests/test_$(KATA).py)) \
               $(if $(PART),--part=$(PART))

.DEFAULT_GOAL := help
.PHONY: help test verify thorough cluster bench lint soak mutate progress hint watch interview compare reset clean

help:
	@echo "make test [KATA=lru] [PART=1] [TARGET=katas|solutions|DIR]  run the suites"
	@echo "make progress                   where you are, kata by kata"
	@echo "make watch KATA=lru [PART=1]    re-run on every save: the first failure, what it looks like"
	@echo "make hint KATA=lru [PART=1]     the next hint for that part [RESET=1 starts over]"
	@echo "make interview KATA=lru [MINUTES=45]  timed, no hints, then the follow-up questions"
	@echo "make compare KATA=lru           your module beside the reference"
	@echo "make reset KATA=lru             restore the stub (your file is kept as a copy)"
	@echo "make bench [KATA=lru]           speed of the references against their baselines"
	@echo "make verify [KATA=lru]          the repository's own check (CI runs this)"
	@echo "make thorough [KATA=lru]        the references under many more examples (CI runs it)"
	@echo "make verify ORDER=suite         the gallery and first attempts in the learner's test order"
	@echo "make verify ONLY='gallery/lru/no_lock.py' REPEAT=20   chosen entries, each run N times"
	@echo "make cluster [KATA=lock]        the Redis katas' references on a Redis Cluster"
	@echo "make soak [KATA=lru] [ROUNDS=10] the references, thorough, a new random seed each round"
	@echo "make mutate [KATA=lru] [SURVIVORS=1]  mutation score of the references (mutmut)"

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

verify: $(STAMP)
	$(PY) tools/verify.py $(if $(KATA),--kata=$(KATA)) $(if $(ORDER),--order=$(ORDER)) \
	    $(if $(ONLY),--only $(ONLY)) $(if $(REPEAT),--repeat=$(REPEAT))

# The references under the thorough hypothesis profile (CI runs it after verify).
thorough: $(STAMP)
	HYPOTHESIS_PROFILE=thorough $(PY) -m pytest -q --target=solutions \
	    $(if $(KATA),--kata=$(KATA) tests/test_$(KATA).py)

# The Redis katas' references on a Redis Cluster: REDIS_CLUSTER_URL names a node of one,
# else a throwaway cluster of three masters is started from redis-server and stopped.
cluster: $(STAMP)
	REDIS_CLUSTER=1 $(PY) -m pytest -q --target=solutions -k cluster \
	    $(if $(KATA),--kata=$(KATA) tests/test_$(KATA).py,$(REDIS_SUITES))

bench: $(STAMP)
	$(PY) bench/run.py $(if $(KATA),--kata=$(KATA))

soak: $(STAMP)
	$(PY) tools/soak.py $(if $(KATA),--kata=$(KATA)) --rounds=$(ROUNDS)

# mutmut on solutions/<kata>.py against tests/test_<kata>.py; scores go to the README.
mutate: $(STAMP) $(MUTATE_STAMP)
	$(PY) tools/mutate.py $(if $(KATA),--kata=$(KATA)) $(if $(SURVIVORS),--survivors)

$(MUTATE_STAMP): requirements-mutate.txt $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-mutate.txt
	@touch $@

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy solutions tools bench tests/support conftest.py

progress: $(STAMP)
	@$(PY) tools/learner.py progress

hint: $(STAMP)
	@$(PY) tools/learner.py hint $(KATA) $(if $(PART),--part=$(PART)) $(if $(RESET),--reset)

watch: $(STAMP)
	@$(PY) tools/learner.py watch $(KATA) $(if $(PART),--part=$(PART))

interview: $(STAMP)
	@$(PY) tools/learner.py interview $(KATA) --minutes=$(MINUTES)

compare: $(STAMP)
	@$(PY) tools/learner.py compare $(KATA)

reset: $(STAMP)
	@$(PY) tools/learner.py reset $(KATA)

clean:
	rm -rf $(VENV) .hypothesis .mypy_cache .ruff_cache
