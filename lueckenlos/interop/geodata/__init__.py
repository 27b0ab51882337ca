"""Geodata in: points, area boundaries with their hierarchy, population and address registers."""
