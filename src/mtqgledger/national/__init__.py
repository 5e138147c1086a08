"""The national roll-up: provinces' books exported as Parquet (outputs/parquet.py), read
as one nation's (folder.py) and added up in DuckDB (rollup.py) by the same definitions
as each province's own report."""
