"""Views of the review: workspace pages (workspace.py) and the public form (public.py)."""
