"""Nothing lingers: files no source produces any more leave output/.

Nikola 8.3.3 never deletes: a deleted or renamed post keeps its old page,
and ``make deploy`` would publish it. ``nikola check -f`` can list such
files, by asking every task for its targets; this task does the same
during the build. plugins/prune_output/task_targets.py records the target
of every task Nikola generates (doit generates all of them before running
any, late tasks included), and this task, which runs after every other
rendering task and before the late ones that read output/ (the search
index), removes every file of the output folder that is not among them,
then the folders left empty.

``pagefind/`` is kept whole: plugins/search_index owns it and keeps it
exactly equal to the index it has just built (its file names are content
hashes known only after a run).
"""

import os

from nikola.plugin_categories import Task
from nikola.utils import get_logger

from plugins import shared_state

LOGGER = get_logger("prune_output")

OWNED = ("pagefind",)  # folders whose owner task keeps them exact


def prune(output, targets):
    """Remove files under ``output`` not in ``targets``; log what went."""
    owned = tuple(os.path.join(output, name) + os.sep for name in OWNED)
    removed = []
    for root, _dirs, files in os.walk(output, topdown=False):
        for name in files:
            path = os.path.normpath(os.path.join(root, name))
            if path not in targets and not path.startswith(owned):
                os.remove(path)
                removed.append(path)
        if root != output and not os.listdir(root):
            os.rmdir(root)
    for path in sorted(removed):
        LOGGER.info(f"removed {path}: no source produces it any more")


class PruneOutput(Task):
    name = "prune_output"

    def gen_tasks(self):
        output = os.path.normpath(self.site.config["OUTPUT_FOLDER"])
        # Last of the rendering tasks (the ones render_site waits for, as in
        # Nikola.gen_tasks); every late task runs after render_site.
        others = [
            p.plugin_object.name
            for p in self.site.plugin_manager.get_plugins_of_category("Task")
            if p.plugin_object.is_default and p.plugin_object.name != self.name
        ]
        yield {
            "basename": self.name,
            "name": output,
            "task_dep": others,
            "uptodate": [False],
            # The set is complete when the task runs: doit generates every task first.
            "actions": [(prune, (output, shared_state.of(self.site).task_targets))],
        }
