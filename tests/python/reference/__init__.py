"""Independent pure-Python implementations of the project's rules, used as test oracles.

They are written from the rules in the raw data contract and the project's decisions, with the
standard library only (no DuckDB, no pandas), so that they share no code with the SQL they check.
"""
