# The two commands of the README: `make demo` (the main job) and `make test` (the test suite).
# Each creates .venv and installs the kit with the pins of constraints.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := torch,tf,rna,notebook,class,dev

.PHONY: install demo test data browser lint release clean

$(STAMP): pyproject.toml constraints.txt Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS)]"
	touch $(STAMP)

install: $(STAMP)

# Debian's Fashion-MNIST (real IDX files) when we may install it; without it the graded tests that
# need it are not run (grade-class names them and refuses to start unless told to go on).
data:
	@if [ ! -d /usr/share/datasets/fashion-mnist ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist >/dev/null) \
		|| echo "Fashion-MNIST could not be installed; the tests that need it will not be graded"; \
	fi

# Debian's Chromium, in which a test loads the class report; that test skips without it.
browser:
	@if ! command -v chromium >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| echo "Chromium could not be installed; the class report's browser test will be skipped"; \
	fi

demo: $(STAMP)
	$(BIN)/autograder demo hw1_mlp_numpy

test: $(STAMP) data browser
	$(BIN)/python -m pytest --durations=20

lint: $(STAMP)
	$(BIN)/ruff check autograder tests solutions benchmarks
	$(BIN)/ruff format --check autograder tests solutions benchmarks

release: $(STAMP)
	$(BIN)/autograder release

clean:
	rm -rf $(VENV) out
