"""Row-for-row comparison of a peer's outputs (benchmarks/retail/engines.py) with a dbt
warehouse built by `dbt build --selector retail`.

    python benchmarks/retail/compare.py WAREHOUSE.duckdb PEER_OUT_DIR

For each output (accepted rows, quarantine, per-file accounting, the four marts) it counts the
rows of each side and the rows of either side that the other does not hold (`except all`, both
ways: a multiset comparison, every column, exact decimals). The retail selector does not build
audit.row_accounting (shared by every source), so the warehouse's accounting is computed here
from its retail tables the way macros/row_accounting.sql does.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

ACCEPTED = (
    "transaction_id, customer_id, product_id, product_category, region, quantity, unit_price,"
    " amount, transaction_at, transaction_date, source_file, line_number"
)
QUARANTINE = (
    "source_file, record_number, line_count, rejection_reason, raw_record, transaction_id_raw,"
    " transaction_ts_raw, customer_id_raw, product_id_raw, product_category_raw, region_raw,"
    " quantity_raw, unit_price_raw"
)
WAREHOUSE = {
    "accepted": f"select {ACCEPTED} from dbt.staging.stg_retail__transactions",
    "quarantine": f"select {QUARANTINE} from dbt.quarantine.quarantine_retail__transactions",
    "accounting": """
        select files.source_file, files.rows_read,
            coalesce(c.rows_accepted, 0) as rows_accepted,
            coalesce(c.rows_duplicate, 0) as rows_duplicate,
            coalesce(q.rows_quarantined, 0) as rows_quarantined,
            files.physical_lines, files.header_lines, files.blank_lines, files.comment_lines,
            coalesce(c.lines_accepted, 0) as lines_accepted,
            coalesce(c.lines_duplicate, 0) as lines_duplicate,
            coalesce(c.lines_quarantined, 0) as lines_quarantined
        from dbt.staging.stg_retail__transaction_files as files
        left join (
            select source_file,
                count(*) filter (where row_status = 'accepted') as rows_accepted,
                count(*) filter (where row_status = 'duplicate') as rows_duplicate,
                coalesce(sum(line_count) filter (where row_status = 'accepted'), 0)
                    as lines_accepted,
                coalesce(sum(line_count) filter (where row_status = 'duplicate'), 0)
                    as lines_duplicate,
                coalesce(sum(line_count) filter (where row_status = 'quarantined'), 0)
                    as lines_quarantined
            from dbt.staging.base_retail__transactions group by source_file
        ) as c using (source_file)
        left join (
            select source_file, count(*) as rows_quarantined
            from dbt.quarantine.quarantine_retail__transactions group by source_file
        ) as q using (source_file)""",
    "daily_revenue": """
        select transaction_date, transaction_count, customer_count, units_sold, revenue,
            average_order_value from dbt.marts.daily_revenue""",
    "regional_monthly_metrics": """
        select transaction_month, region, transaction_quarter, season, transaction_count,
            customer_count, units_sold, revenue, average_order_value, low_price_count,
            medium_price_count, high_price_count, premium_price_count
        from dbt.marts.regional_monthly_metrics""",
    "category_monthly_trends": """
        select transaction_month, product_category, transaction_count, units_sold, revenue,
            previous_month_revenue, revenue_growth_rate from dbt.marts.category_monthly_trends""",
    "customer_segments": """
        select customer_id, first_purchase_date, last_purchase_date, recency_days, frequency,
            monetary, segment from dbt.marts.customer_segments""",
}


@dataclass
class Difference:
    output: str
    warehouse_rows: int
    peer_rows: int
    only_in_warehouse: int
    only_in_peer: int

    @property
    def same(self) -> bool:
        return self.only_in_warehouse == 0 and self.only_in_peer == 0


def compare(warehouse: Path, out: Path) -> list[Difference]:
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(f"attach '{warehouse.as_posix()}' as dbt (read_only)")
        result = []
        for name, dbt_sql in WAREHOUSE.items():
            path = out / "accepted" / "*.parquet" if name == "accepted" else out / f"{name}.parquet"
            con.execute(f"create or replace temp table w as {dbt_sql}")
            con.execute(
                f"create or replace temp table p as select * from read_parquet('{path.as_posix()}')"
            )
            # the peer's columns in the warehouse's order, by name
            names = [r[0] for r in con.execute("describe w").fetchall()]
            picked = ", ".join(f'"{n}"' for n in names)
            (w_rows,) = con.execute("select count(*) from w").fetchone()  # type: ignore[misc]
            (p_rows,) = con.execute("select count(*) from p").fetchone()  # type: ignore[misc]
            (only_w,) = con.execute(  # type: ignore[misc]
                f"select count(*) from (select {picked} from w except all select {picked} from p)"
            ).fetchone()
            (only_p,) = con.execute(  # type: ignore[misc]
                f"select count(*) from (select {picked} from p except all select {picked} from w)"
            ).fetchone()
            result.append(Difference(name, w_rows, p_rows, only_w, only_p))
        return result
    finally:
        con.close()


def describe(differences: list[Difference]) -> str:
    """'yes' when every output is the same, else what differs."""
    wrong = [d for d in differences if not d.same]
    if not wrong:
        return "yes"
    return "no: " + "; ".join(
        f"{d.output} {d.only_in_warehouse:,} rows only in dbt, {d.only_in_peer:,} only here"
        for d in wrong
    )


if __name__ == "__main__":
    found = compare(Path(sys.argv[1]), Path(sys.argv[2]))
    print(json.dumps([d.__dict__ for d in found], indent=1))
    print(describe(found))
