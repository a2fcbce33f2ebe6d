"""``nikola build``: the planned build (plugins/planner/planner.py), or Nikola's own.

A Nikola Command plugin named ``build`` takes the place of the ``build``
command Nikola makes of doit's ``run`` (Nikola 8.3.3's ``DoitNikola.get_cmds``
puts the site's commands after doit's): ``make site``, the preview
(plugins/preview/builder.py) and the tests (tests/support/sitebuild.py) all run
``nikola build``. It takes Nikola's build's options, so any command line
parses as before. With no task named and no option set but ``-n``, ``-P``
and ``-v``, it runs the planned build in this process and returns its
status; the process then ends as any command's does. Otherwise it hands the
parsed options to Nikola's own build, and drops the planner's record, since
what doit writes is not in it.
"""

import gc

from nikola.plugin_categories import Command

from plugins import patches
from plugins.planner import state, units
from plugins.planner.planner import Build

# The options of Nikola's build (doit's names) that the planned build takes; any other
# option set, or a task named, and Nikola's own build runs.
PLAIN = {"num_process", "par_type", "verbosity"}


class PlannedBuild(Command):
    """``nikola build``: the planned build; with a task named or another option, Nikola's own build."""

    name = "build"
    doc_usage = "[-n N] [options] [task ...]"
    doc_purpose = "build the site (only what a change reaches; -a or a task name: Nikola's own build)"
    doc_description = (
        "With no task named and no option but -n/--process, -P/--parallel-type and -v/--verbosity, "
        "the build plugins/planner plans from what the last one kept in cache/planner/, giving the bytes "
        "of a clean build. Otherwise Nikola's own `nikola build` (doit's run) builds, with the same "
        "options, and the planner's record is dropped: its next build looks at output/ whole."
    )

    def __call__(self, config=None, **kwargs):
        """As Nikola's commands are made for each run; with Nikola's own build beside, for what is not planned."""
        super().__call__(config, **kwargs)
        self.nikola_build = None
        doit = getattr(self.site, "doit", None)
        for command in getattr(doit, "DOIT_CMDS", ()):
            if command.get_name() == "build":  # nikola.__main__.Build (doit's run): the command this replaces
                self.nikola_build = command(config=config, **kwargs)
        return self

    def get_options(self):
        """Nikola's build's options, so that any ``nikola build`` command line parses as before."""
        if self.nikola_build is None:
            return []
        return self.nikola_build.get_options()

    def plain(self, options, args):
        """True when no task is named and no option but PLAIN's differs from its default."""
        return not args and all(
            options.get(option.name) == option.default for option in self.cmdparser.options if option.name not in PLAIN
        )

    def _execute(self, options, args):
        patches.require("planner")
        if not self.plain(options, args):
            # Nikola's own build (nikola build -a, or a task by name): what it writes is not in the record.
            state.Store(self.site.config["OUTPUT_FOLDER"]).forget()
            return self.nikola_build.execute(options, args)
        units.install()
        status = Build(self.site, max(1, options.get("num_process") or 1)).run()
        # What the build made (the site, its posts) stays until the process ends; left out of the
        # collector's walks, it is not walked again on the way out (0.4 s of a no-op build at 1,000 posts).
        gc.freeze()
        return status
