"""The commands the documentation tells a contributor to type exist.

What a contributor would lose if this failed: a `make X` or `tox -e X` from
README.md, CONTRIBUTING.rst or docs/*.md that answers "No rule to make
target" or "provided environments not found", or a tox env whose make target
is gone. The names are read from the documents' code (inline code and code
blocks, not prose), the targets from make's own database of the Makefile and
the envs from tox.ini, so nothing here is built or installed.
"""

import configparser
import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.rst", *sorted((ROOT / "docs").glob("*.md"))]

INLINE_CODE = re.compile(r"(`+)(.+?)\1")
FENCE = re.compile(r"^\s*(```|~~~)")
TARGET = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]*")


def code_of(text):
    """The code in a Markdown or reST document: inline code, fenced and indented blocks."""
    code, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif fenced or line.startswith("    "):
            code.append(line)
        else:
            code.extend(m.group(2) for m in INLINE_CODE.finditer(line))
    return code


def named_commands(text):
    """{("make", target), ("tox", env)} for each `make ...` and `tox -e ...` in the text's code."""
    found = set()
    for snippet in code_of(text):
        try:
            words = shlex.split(snippet, comments=True)
        except ValueError:  # an unbalanced quote in an excerpt: read it word by word
            words = snippet.split()
        for i, word in enumerate(words):
            if word == "make":
                for arg in words[i + 1 :]:
                    if arg.startswith("-") or "=" in arg:
                        continue
                    target = TARGET.match(arg.rstrip(":,;)."))
                    if target:
                        found.add(("make", target.group(0)))
                    break
            elif word == "tox" and words[i + 1 : i + 2] == ["-e"] and i + 2 < len(words):
                found.update(("tox", env) for env in words[i + 2].rstrip(".,;)").split(",") if env)
    return found


def make_targets():
    """The targets make knows from the Makefile (explicit ones and the stamp files), from its database."""
    out = subprocess.run(["make", "-pRrq", "-f", "Makefile", ":"], cwd=ROOT, capture_output=True, text=True).stdout
    files = out.split("\n# Files\n", 1)[1].split("\n# Finished Make data base", 1)[0]
    targets, previous = set(), ""
    for line in files.splitlines():
        rule = re.match(r"^([^#\s=:][^=:]*):(?![=:])", line)
        if rule and previous != "# Not a target:":
            targets.update(rule.group(1).split())
        previous = line
    return targets


def tox_config():
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "tox.ini")
    return config


def tox_envs():
    return {section.split(":", 1)[1] for section in tox_config().sections() if section.startswith("testenv:")}


def unknown(commands):
    known = {"make": make_targets(), "tox": tox_envs()}
    return {(tool, name) for tool, name in commands if name not in known[tool]}


def test_every_make_target_and_tox_env_the_documents_name_exists():
    named = {}
    for doc in DOCUMENTS:
        if doc.exists():
            for command in named_commands(doc.read_text(encoding="utf-8")):
                named.setdefault(command, doc.name)
    assert {tool for tool, _ in named} == {"make", "tox"} and len(named) > 15, named  # it read the documents
    missing = sorted(
        "{0} ({1} {2})".format(doc, *command) for command, doc in named.items() if command in unknown(named)
    )
    assert missing == []


def test_a_made_up_name_is_caught():
    text = (
        "Run `make site` and `make no-such-target POST=x`, then:\n\n"
        "    tox -e py3,no-such-env\n    JOBS=1 make test-fast\n"
    )
    assert named_commands(text) == {
        ("make", "site"),
        ("make", "no-such-target"),
        ("make", "test-fast"),
        ("tox", "py3"),
        ("tox", "no-such-env"),
    }
    assert unknown(named_commands(text)) == {("make", "no-such-target"), ("tox", "no-such-env")}


def test_prose_is_not_read_as_a_command():
    assert named_commands("It would make it a draft, and make them reproducible.") == set()


# Issue 27 adds the Makefile's review target (the review report); tox.ini declares its env already.
PENDING = {"review"}


@pytest.mark.parametrize("env", sorted(tox_envs()))
def test_each_tox_env_runs_a_make_target_that_exists(env):
    """One source of truth: every env but `venv` (any command) runs a make target with make's VENV at tox's env."""
    commands = tox_config()["testenv:" + env].get("commands", "")
    if env == "venv":
        assert tox_config()["testenv:venv"]["commands_pre"].startswith("make venv VENV={envdir}")
        return
    if commands.startswith("{[testenv:"):  # an alias, e.g. pep8 = linters
        commands = tox_config()[commands.strip("{}").rsplit("]", 1)[0].lstrip("[")]["commands"]
    targets = re.findall(r"\bmake (?:--?\S+ )*([a-z][a-z-]*)", commands)
    assert targets, commands
    assert "VENV=" in commands, "the env must run make in its own virtualenv: " + commands
    missing = set(targets) - make_targets()
    if missing and missing <= PENDING:
        pytest.skip("make {0} arrives with issue 27".format(" ".join(sorted(missing))))
    assert not missing, commands
