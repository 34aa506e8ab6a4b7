"""The `postgres` target: a throwaway server for development and tests, and the raw loader."""
