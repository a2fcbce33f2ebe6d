"""What compiling a post read besides its source, noted for plugins/planner.

A post's fragment depends on more than its own file: a listing it shows
(its text is copied in), a local image it shows (the build refuses one that
does not exist) and another post it links to with ``:doc:`` (its permalink,
and its title when the link has no text of its own). The code that reads
them (plugins/rest_safety, plugins/build_speed's ``:doc:`` lookup) notes it
here; plugins/planner compiles a post again when one of them changes.
Outside a compile that the planner records, noting does nothing.
"""

_current = None


class Reads:
    def __init__(self):
        self.files = set()  # paths read, or looked for (an image that must exist)
        self.posts = set()  # slugs looked up (:doc:)


def start():
    global _current
    _current = Reads()
    return _current


def stop():
    global _current
    found, _current = _current, None
    return found


def file(path):
    if _current is not None:
        _current.files.add(path)


def post(slug):
    if _current is not None:
        _current.posts.add(slug)
