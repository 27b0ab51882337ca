"""Views of the public portal, one module per kind of page."""
