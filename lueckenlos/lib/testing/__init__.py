"""Test infrastructure: a throwaway PostgreSQL server and the browser fixtures."""
