"""The theme's CSS and JavaScript, minified as they are copied into output/ (conf.py's FILTERS).

Nikola runs each filter on a copied asset, in place, after the copy
(``nikola.utils.apply_filters``). rcssmin and rjsmin take out comments and
white space and rename nothing, so the shipped code is the theme's code;
``/*! ... */`` comments stay (the licence of assets/js/porter2.js). The theme
keeps its readable sources in themes/openstack/assets/. Nikola's own
``cssminify`` and ``jsminify`` send the file to a web service: not here.
"""

import rcssmin
import rjsmin
from nikola.filters import apply_to_text_file


@apply_to_text_file
def minify_css(data):
    return rcssmin.cssmin(data, keep_bang_comments=True) + "\n"


@apply_to_text_file
def minify_js(data):
    return rjsmin.jsmin(data, keep_bang_comments=True) + "\n"
