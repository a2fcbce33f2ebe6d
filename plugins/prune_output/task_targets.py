"""Record every file the build's tasks produce (for prune_output).

Nikola passes every task it generates, of every plugin, through its
TaskMultiplier plugins; this one adds no task, it only remembers the
targets (plugins/shared_state.py, ``task_targets``).
"""

import os

from nikola.plugin_categories import TaskMultiplier

from plugins import shared_state


class TaskTargets(TaskMultiplier):
    name = "task_targets"

    def process(self, task, name=None):
        targets = shared_state.of(self.site).task_targets
        for target in task.get("targets") or ():
            targets.add(os.path.normpath(target))
        return []
