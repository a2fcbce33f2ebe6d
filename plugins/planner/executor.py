"""Running the tasks a build plans: Nikola's task dictionaries, through doit's own Task.

plugins/planner runs the tasks itself rather than through doit's runner:
doit generates every task of the site before it runs one, and keeps them all
in memory (plugins/planner/planner.py says why that is the cost this project
removes). A task is still doit's ``Task``, made from Nikola's dictionary, and
runs its actions as doit would (``Task.execute``), printing the same
``.  basename:name`` line and leaving its output on the terminal; a failure
is reported as plugins/author_errors reports doit's (a post's mistakes as
``file:line`` lines and one summary, any other failure in one line).

Work is split between processes with ``fork``: each process has the whole
site in memory, as the parent had it, and sends back what it did (plain
data, pickled) through a pipe.
"""

import os
import pickle
import sys
import traceback
from typing import NamedTuple

from doit.task import Stream, Task

from plugins.author_errors import author_errors


class Failure(NamedTuple):
    kind: str  # "content" (a post's mistakes: text is its summary) or "error" (text is a traceback)
    task: str
    text: str


class Result:
    """What running some tasks did: targets written, failures, and anything a stage adds."""

    def __init__(self):
        self.built = {}  # unit id: [targets]
        self.failures = []  # Failure
        self.extra = {}

    def merge(self, other):
        self.built.update(other.built)
        self.failures.extend(other.failures)
        for key, value in other.extra.items():
            if isinstance(value, dict):
                self.extra.setdefault(key, {}).update(value)
            else:
                self.extra[key] = value


def task_name(task):
    return "{0}:{1}".format(task.get("basename"), task["name"]) if task.get("name") else str(task.get("basename"))


def run(task, result, uid, quiet=False):
    """Run one of Nikola's task dictionaries; True if it succeeded."""
    name = task_name(task)
    doit_task = Task(
        name,
        list(task.get("actions") or ()),
        file_dep=list(task.get("file_dep") or ()),
        targets=list(task.get("targets") or ()),
        verbosity=2,
        title=task.get("title"),
    )
    if not quiet:
        sys.stderr.write(f".  {doit_task.title()}\n")
    try:
        failure = doit_task.execute(Stream(2))
    except Exception:  # doit catches an action's exceptions; this would be doit's own
        result.failures.append(Failure("error", name, traceback.format_exc()))
        return False
    if failure is None:
        result.built[uid] = list(task.get("targets") or ())
        return True
    summary = author_errors.content_summary(failure)
    if summary is not None:
        result.failures.append(Failure("content", name, summary))
    else:
        result.failures.append(Failure("error", name, "".join(failure.traceback) or failure.message))
    return False


def report(result, debug=False, stream=None):
    """The end of a failed build, as plugins/author_errors ends doit's; returns the exit status."""
    stream = stream or sys.stderr
    content = [f.text for f in result.failures if f.kind == "content"]
    errors = [f for f in result.failures if f.kind == "error"]
    for failure in errors:
        lines = failure.text.rstrip().splitlines()
        if debug:
            stream.write(failure.text.rstrip() + "\n")
        stream.write(f"ERROR: the build failed in {failure.task}: {lines[-1] if lines else failure.text}\n")
    if errors and not debug:
        stream.write("(for the Python traceback, run again with NIKOLA_DEBUG=1)\n")
    if content:
        posts = len({summary.split(":", 1)[0] for summary in content})
        stream.write(
            "nikola build: {0} with mistakes, listed above; nothing of {1} was published.\n".format(
                "{0} post{1}".format(posts, "" if posts == 1 else "s"), "it" if posts == 1 else "them"
            )
        )
    stream.flush()
    return 1


def fork_map(work, count):
    """``work(index, count)`` in ``count`` forked processes; their Results, merged (in index order)."""
    sys.stdout.flush()
    sys.stderr.flush()
    children = []
    for index in range(count):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do its share, send it back, and leave without running any cleanup
            os.close(read_end)
            status = 0
            try:
                data = pickle.dumps(work(index, count), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                failed = Result()
                failed.failures.append(Failure("error", f"planner worker {index}", traceback.format_exc()))
                data = pickle.dumps(failed, protocol=pickle.HIGHEST_PROTOCOL)
                status = 1
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
        os.close(write_end)
        children.append((pid, read_end))
    merged = Result()
    for index, (pid, read_end) in enumerate(children):
        with os.fdopen(read_end, "rb") as incoming:
            data = incoming.read()
        _pid, status = os.waitpid(pid, 0)
        if data:
            merged.merge(pickle.loads(data))
        elif status != 0:
            merged.failures.append(
                Failure("error", f"planner worker {index}", f"the worker process ended with status {status}")
            )
    return merged
