# The two commands of the README: `make demo` (the main job) and `make test` (the test suite).
# Each creates .venv and installs the kit with the pins of constraints.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := torch,tf,rna,notebook,class,dev

.PHONY: install demo test data debian-data browser lint release clean

$(STAMP): pyproject.toml constraints.txt Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS)]"
	touch $(STAMP)

install: $(STAMP)

# Debian's Fashion-MNIST (real IDX files) when we may install it; then every data set that the
# named assignments' graded tests declare (DATA_FOR; empty: all), downloaded and checked by
# `autograder data fetch`. A set that cannot be had is named; its tests are then not graded here
# (grade-class names them and refuses to start unless told to go on).
DATA_FOR ?=
debian-data:
	@if [ ! -d /usr/share/datasets/fashion-mnist ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist >/dev/null) \
		|| echo "Debian's Fashion-MNIST could not be installed; autograder data fetch will try"; \
	fi

data: $(STAMP) debian-data
	@$(BIN)/autograder data fetch $(DATA_FOR) \
		|| echo "make: some data sets could not be had (above); the tests that need them are not graded on this machine"

# Debian's Chromium, in which a test loads the class report; that test skips without it.
browser:
	@if ! command -v chromium >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| echo "Chromium could not be installed; the class report's browser test will be skipped"; \
	fi

demo: $(STAMP)
	@$(MAKE) --no-print-directory data DATA_FOR=hw1_mlp_numpy
	$(BIN)/autograder demo hw1_mlp_numpy

# The suite runs in JOBS pytest-xdist workers (tests/conftest.py keeps those that share a fixture
# together and gives each worker's gradings its share of the cores); JOBS=0 runs it in one process.
JOBS ?= 2
test: $(STAMP) data browser
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup --durations=20

lint: $(STAMP)
	$(BIN)/ruff check autograder tests solutions benchmarks
	$(BIN)/ruff format --check autograder tests solutions benchmarks

release: $(STAMP)
	$(BIN)/autograder release

clean:
	rm -rf $(VENV) out
