# The author's and CI's commands. `make help` lists them.
# Everything runs inside .venv, made from the pinned requirements files.
# `make X VENV=dir` runs the same in another virtualenv: tox.ini's envs call
# `make X VENV={envdir}`, so the commands are written once, here.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
NIKOLA := $(BIN)/nikola

.DEFAULT_GOAL := help
.PHONY: help venv site build test test-fast test-unit test-planner lighthouse golden links serve preview post review deploy rollback check check-site lint clean lock

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 10

# A virtualenv that exists already (tox's) is installed into, not made again.
$(BIN)/.site: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# The test and lint tools from PyPI (the npm ones are node_modules/.installed):
# .ci/run installs these first, to read bindep.txt with the pinned bindep
# before the system packages (npm among them) are there.
$(BIN)/.test: requirements-test.txt requirements.txt $(BIN)/.site
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

TEST_TOOLS := $(BIN)/.test node_modules/.installed

venv: $(TEST_TOOLS)  ## set up .venv (or VENV=dir) with the site's, the tests' and the linters' pinned tools

# The Nu Html Checker (vnu.jar) from npm, pinned in package-lock.json; it runs
# on the machine's Java. Install scripts are off: vnu-jar's would download a JRE.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# `nikola build` is plugins/planner's command: it builds only what a change
# reaches (docs/architecture.md). Both cores by default (forked processes; the
# output is byte for byte the same as one process's, bench/compare.py). JOBS=1
# for one process.
JOBS ?= $(shell nproc 2>/dev/null || echo 1)

site: $(BIN)/.site  ## set up .venv and build the site into output/
	$(NIKOLA) build -n $(JOBS)

build: site  ## same as `make site`

# The whole suite, on two workers: it builds the site and the fixture sites
# into a temporary folder and checks those builds. The HTML checker (vnu.jar)
# needs Java; the browser tests need Debian's headless Chromium at
# /usr/bin/chromium-headless-shell (or CHROMIUM=path); the hosting tests need
# nginx. .ci/run installs them when missing.
# Its temporary sites and builds (thousands of small files, written and removed)
# go to memory where the machine has it (/dev/shm): on this project's machine,
# a disk mounted with `discard`, that saved 1.5 s of a 22 s `make test-fast`.
TEST_TMPDIR := $(firstword $(wildcard /dev/shm) $(or $(TMPDIR),/tmp))
PYTEST := TMPDIR=$(TEST_TMPDIR) $(BIN)/python -m pytest -n 2 --dist loadgroup

test: $(TEST_TOOLS)  ## set up .venv with test tools and run the whole test suite (all but Lighthouse)
	$(PYTEST) -m "not lighthouse"

test-fast: $(TEST_TOOLS)  ## the edit-test loop: everything but the browser, Java and real-time scenarios
	$(PYTEST) -m "not browser and not java and not e2e" --hypothesis-profile=fast

# tests/unit: no site is built; the layer runs in seconds, on one process.
test-unit: $(TEST_TOOLS)  ## the unit layer alone (tests/unit: rules and plugins on strings, no site built)
	TMPDIR=$(TEST_TMPDIR) $(BIN)/python -m pytest tests/unit

lighthouse: $(TEST_TOOLS)  ## Lighthouse on the home page and a long post, phone and desktop: 100 in accessibility, best practices, SEO; every untimed performance audit (~1 min)
	$(PYTEST) -m lighthouse

# The planner's property tests (tests/build/test_planner.py) at length: each step of each random
# sequence of author actions is compared with a clean build. `make test` runs 3 sequences of 5.
PLANNER_EXAMPLES ?= 20
PLANNER_STEPS ?= 10

test-planner: $(TEST_TOOLS)  ## the planner's property tests at length (PLANNER_EXAMPLES=20 PLANNER_STEPS=10, ~10 min)
	PLANNER_EXAMPLES=$(PLANNER_EXAMPLES) PLANNER_STEPS=$(PLANNER_STEPS) $(PYTEST) tests/build/test_planner.py

golden: $(TEST_TOOLS)  ## rebuild tests/golden/output after an intended change to the output (review the diff)
	$(BIN)/python tests/support/golden.py --update

# sitecheck/: the checks the tests run on every build, run on output/.
links: $(TEST_TOOLS) site  ## check output/'s links and list its external links (never fetched)
	$(BIN)/python -m sitecheck output

# One long-running process (plugins/preview): a saved post is re-rendered at
# once, then a background `nikola build` brings the rest of the site up to date.
serve: $(BIN)/.site  ## preview on http://127.0.0.1:8000 with live reload
	$(NIKOLA) preview --address 127.0.0.1 --port 8000

# Drafts, private and scheduled posts, as they will look: built into preview/
# (never output/, which is what `make site` and `make deploy` publish).
preview: $(BIN)/.site  ## preview drafts, private and scheduled posts too, on http://127.0.0.1:8001
	BLOG_PREVIEW=1 $(NIKOLA) preview --address 127.0.0.1 --port 8001

# scripts/new_post.py: every field the build requires, placeholders it refuses until written.
post: $(BIN)/.site  ## start a new post: make post TITLE="My title"
	@test -n "$(TITLE)" || { echo 'usage: make post TITLE="My title"'; exit 2; }
	$(BIN)/python scripts/new_post.py "$(TITLE)"

# scripts/review: the site at BASE (in .review/base/, its build kept for the next
# review) and the working tree (output/, as `make site`), compared as readers see
# them; review/index.html and review/summary.md. See docs/review.md.
BASE ?=

review: $(BIN)/.site  ## what a change does for readers, feeds and URLs: make review [BASE=rev] (default: merge-base with main)
	$(BIN)/python -m scripts.review --jobs $(JOBS) $(if $(BASE),--base "$(BASE)")

# A folder (/srv/blog) or user@host:/srv/blog; see docs/deploying.md.
DEPLOY_TARGET ?=

deploy: $(BIN)/.site  ## build, refuse orphans, publish a release: make deploy DEPLOY_TARGET=/srv/blog
	@test -n "$(DEPLOY_TARGET)" || { echo 'usage: make deploy DEPLOY_TARGET=/srv/blog (or user@host:/srv/blog)'; exit 2; }
	$(BIN)/python scripts/deploy.py deploy "$(DEPLOY_TARGET)"

rollback: $(BIN)/.site  ## make the previous release live again: make rollback DEPLOY_TARGET=...
	@test -n "$(DEPLOY_TARGET)" || { echo 'usage: make rollback DEPLOY_TARGET=/srv/blog (or user@host:/srv/blog)'; exit 2; }
	$(BIN)/python scripts/deploy.py rollback "$(DEPLOY_TARGET)"

# scripts/check_post.py: the build's own checks of the posts named (no POST: the posts and
# pages changed since the last commit), without building the site.
POST ?=

check: $(BIN)/.site  ## check posts without building: make check POST=posts/x.rst (no POST: what changed since the last commit)
	$(BIN)/python scripts/check_post.py $(POST)

check-site: site  ## Nikola's own checks of the built site: orphan files and internal links
	$(NIKOLA) check -f -l

# pre-commit's hooks (.pre-commit-config.yaml) run the tools of this VENV
# (scripts/venv_tool reads BLOG_VENV; with none, .venv).
lint: $(BIN)/.test  ## run every pre-commit hook (ruff, ruff format, whitespace, doc8, make check) on every file
	BLOG_VENV=$(VENV) $(BIN)/pre-commit run --all-files --show-diff-on-failure

clean:  ## remove generated files (output/, preview/, cache/, .doit.db); keeps .venv
	rm -rf output preview cache .doit.db .doit.db.* .doit-preview.db*

# Re-pin from the direct dependencies in requirements*.in, with hashes, from
# PyPI only (the machine's own pip settings and wheel folders are ignored).
# UPGRADE=1 takes the newest releases the .in files allow; without it, the
# current pins are kept where they still fit. pip-tools is pinned here.
LOCK_VENV := /tmp/openstack-blog-lock
PIP_COMPILE = env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(LOCK_VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	--pip-args "--isolated --index-url https://pypi.org/simple" $(if $(UPGRADE),--upgrade)

lock:  ## re-pin requirements.txt and requirements-test.txt from requirements*.in, with hashes (UPGRADE=1: newest)
	test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && \
		$(LOCK_VENV)/bin/pip install --quiet --isolated --index-url https://pypi.org/simple pip-tools==7.6.2; }
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-test.txt requirements-test.in
