"""Rule programs compiled to SQL and run on a database (issue 15).

    strata.py      a checked, stratified program -> SELECTs per stratum (exit rules, delta variants)
    rules.py       one planned rule body (plan/ir.py steps) -> one SELECT
    expressions.py terms, functors (their `sql` form in `functors.TABLE`), comparisons -> sqlglot
    backend.py     the `Backend` protocol the driver runs on, and the column types
    driver.py      evaluation stratum by stratum: INSERT ... SELECT, a semi-naive loop for recursion
    duckdb_backend.py the DuckDB backend
    spark_backend.py  the Spark backend: tables as checkpointed DataFrames, per-engine views
    spark_dialect.py  sqlglot's Spark dialect where DuckDB's templates differ (or are refused)
    spark_session.py  the shared SparkContext, one session per engine; missing Java, pyspark, master
    spark_files.py    Parquet read and written by Spark, text files as the Python engine's
    engine.py      `Engine(backend="duckdb")`: the Engine API over the driver

sqlglot writes every statement in the backend's dialect, so another backend (Spark) implements
`backend.Backend` and names its dialect. sqlglot and the backends are extras, imported only here.
"""
