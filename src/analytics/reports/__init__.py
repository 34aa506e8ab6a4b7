"""Report files (CSV) written from the published warehouse, opened read-only."""
