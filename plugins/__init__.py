# Plugin modules go here.
