"""The community safety dashboard (the partnership is a setting, SDP_PARTNERSHIP): the entry point.  ``pages/site.py`` holds the page
config, the shared frame and the routing; each view is a function in ``pages/``."""

from pages import site

site.run()
