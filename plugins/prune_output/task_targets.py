"""Record every file the build's tasks produce (for prune_output).

Nikola passes every task it generates, of every plugin, through its
TaskMultiplier plugins; this one adds no task, it only remembers the
targets, on the site object (``site.task_targets``).
"""

import os

from nikola.plugin_categories import TaskMultiplier


class TaskTargets(TaskMultiplier):
    name = "task_targets"

    def set_site(self, site):
        site.task_targets = set()
        return super().set_site(site)

    def process(self, task, name=None):
        for target in task.get("targets") or ():
            self.site.task_targets.add(os.path.normpath(target))
        return []
