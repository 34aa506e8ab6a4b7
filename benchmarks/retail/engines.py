"""The retail transformations written by hand, once per engine, for the benchmark.

    python benchmarks/retail/engines.py ENGINE RAW_RETAIL_DIR OUT_DIR [AS_OF]

ENGINE is duckdb-sql, pandas, polars or dask. Each reads every CSV file of RAW_RETAIL_DIR as
text, applies the retail rules of the README (malformed rows, exact duplicates counted once,
conflicting duplicates quarantined, missing customer, unreadable or future timestamp, invalid
quantity or price, non-positive amount), derives price category, month, quarter and season,
writes the four marts (daily revenue, regional monthly metrics, category monthly trends with
growth, customer segments) as Parquet into OUT_DIR, and prints a JSON summary (accepted rows,
revenue) that the benchmark compares with the dbt build. Money is float64 here (the dbt
models use decimals). A malformed row (the generator's: a missing last field) is recognized by
an empty or missing unit_price and, as in the dbt models, takes no part in duplicate checks.
The pandas, Polars and Dask packages come from the `bench` dependency group only.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

COLUMNS = [
    "transaction_id",
    "transaction_ts",
    "customer_id",
    "product_id",
    "product_category",
    "region",
    "quantity",
    "unit_price",
]
QUANTITY = r"[+-]?[0-9]{1,9}"
PRICE = r"[+-]?([0-9]+([.][0-9]{0,2})?|[.][0-9]{1,2})"
BOUNDS = [0.0, 20.0, 100.0, 500.0, float("inf")]
CATEGORIES = ["Low", "Medium", "High", "Premium"]
SEASONS = {1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring", 6: "summer"}
SEASONS |= {7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn", 12: "winter"}


def run_duckdb(raw: Path, out: Path, as_of: dt.date) -> dict[str, float]:
    import duckdb

    con = duckdb.connect()
    columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in COLUMNS) + "}"
    con.execute(f"""
        create table accepted as
        with raw as (
            select * from read_csv('{raw.as_posix()}/*.csv', columns={columns}, header=true,
                auto_detect=false, null_padding=true, quote='"', filename=true)
        ),
        distinct_rows as (
            select distinct on ({", ".join(COLUMNS)}) * from raw where unit_price is not null
        ),
        conflicts as (
            select trim(transaction_id) as id from distinct_rows
            where transaction_id is not null group by 1 having count(*) > 1
        ),
        typed as (
            select
                trim(transaction_id) as transaction_id,
                nullif(trim(customer_id), '') as customer_id,
                coalesce(nullif(lower(trim(product_category)), ''), 'unknown') as category,
                coalesce(nullif(lower(trim(region)), ''), 'unknown') as region,
                try_cast(trim(transaction_ts) as timestamp) as ts_at,
                case when regexp_full_match(trim(quantity), '{QUANTITY}')
                    then cast(trim(quantity) as integer) end as quantity,
                case when regexp_full_match(trim(unit_price), '{PRICE}')
                    then cast(trim(unit_price) as double) end as unit_price
            from distinct_rows
            where trim(transaction_id) <> ''
                and trim(transaction_id) not in (select id from conflicts)
        )
        select
            *,
            quantity * unit_price as amount,
            cast(ts_at as date) as day,
            cast(date_trunc('month', ts_at) as date) as month,
            cast(date_trunc('quarter', ts_at) as date) as quarter,
            case
                when unit_price < 20 then 'Low' when unit_price < 100 then 'Medium'
                when unit_price < 500 then 'High' else 'Premium'
            end as price_category
        from typed
        where customer_id is not null and ts_at is not null and cast(ts_at as date) <= '{as_of}'
            and quantity is not null and unit_price is not null and quantity * unit_price > 0
    """)
    marts = {
        "daily_revenue": """
            select day, count(*) as transaction_count, count(distinct customer_id) as customers,
                sum(quantity) as units, sum(amount) as revenue, sum(amount) / count(*) as aov
            from accepted group by day""",
        "regional_monthly_metrics": """
            select month, region, min(quarter) as quarter, count(*) as transaction_count,
                count(distinct customer_id) as customers, sum(quantity) as units,
                sum(amount) as revenue,
                count(*) filter (where price_category = 'Low') as low,
                count(*) filter (where price_category = 'Medium') as medium,
                count(*) filter (where price_category = 'High') as high,
                count(*) filter (where price_category = 'Premium') as premium
            from accepted group by month, region""",
        "category_monthly_trends": """
            with monthly as (
                select month, category, count(*) as n, sum(quantity) as units,
                    sum(amount) as revenue
                from accepted group by month, category
            )
            select m.*, p.revenue as previous, (m.revenue - p.revenue) / p.revenue as growth
            from monthly as m left join monthly as p
                on p.category = m.category and p.month = m.month - interval 1 month""",
        "customer_segments": f"""
            with c as (
                select customer_id, min(day) as first_day, max(day) as last_day,
                    count(*) as frequency, sum(amount) as monetary
                from accepted group by customer_id
            )
            select *, date '{as_of}' - last_day as recency, case
                when date '{as_of}' - last_day <= 30 and frequency >= 10 then 'champion'
                when date '{as_of}' - last_day <= 90 and frequency >= 5 then 'loyal'
                when date '{as_of}' - first_day <= 30 then 'new'
                when date '{as_of}' - last_day > 180 then 'lost'
                when date '{as_of}' - last_day > 90 then 'at_risk'
                else 'regular' end as segment
            from c""",
    }
    for name, sql in marts.items():
        con.execute(f"copy ({sql}) to '{(out / name).as_posix()}.parquet' (format parquet)")
    accepted, revenue = con.execute("select count(*), sum(amount) from accepted").fetchone()
    return {"accepted": accepted, "revenue": revenue}


def run_pandas(raw: Path, out: Path, as_of: dt.date) -> dict[str, float]:
    import pandas as pd

    frames = [
        pd.read_csv(path, dtype=str, keep_default_na=False, usecols=COLUMNS)
        for path in sorted(raw.glob("*.csv"))
    ]
    df = pd.concat(frames, ignore_index=True)
    return _pandas_rules(pd, df, out, as_of)


def _pandas_rules(pd, df, out: Path, as_of: dt.date) -> dict[str, float]:  # type: ignore[no-untyped-def]
    import numpy as np

    df = df[df["unit_price"].fillna("") != ""].drop_duplicates(subset=COLUMNS, keep="first")
    ids = df["transaction_id"].str.strip()
    counts = ids[ids != ""].value_counts()
    df = df[(ids != "") & ~ids.isin(counts.index[counts > 1])]
    t = _pandas_typed(pd, df, as_of)
    _pandas_marts(pd, np, t, out, as_of)
    return {"accepted": len(t), "revenue": float(t["amount"].sum())}


def _pandas_typed(pd, df, as_of: dt.date):  # type: ignore[no-untyped-def]
    """The row-by-row rules and derived columns (partition-safe: Dask maps it)."""
    df = df.assign(customer_id=df["customer_id"].str.strip())
    df = df[df["customer_id"] != ""]
    at = pd.to_datetime(df["transaction_ts"].str.strip(), format="ISO8601", errors="coerce")
    quantity_ok = df["quantity"].str.strip().str.fullmatch(QUANTITY).fillna(False)
    price_ok = df["unit_price"].str.strip().str.fullmatch(PRICE).fillna(False)
    keep = at.notna() & (at.dt.normalize() <= pd.Timestamp(as_of)) & quantity_ok & price_ok
    df, at = df[keep], at[keep]
    quantity = df["quantity"].str.strip().astype("int64")
    price = df["unit_price"].str.strip().astype("float64")
    t = pd.DataFrame(
        {
            "customer_id": df["customer_id"],
            "category": df["product_category"].str.strip().str.lower().replace("", "unknown"),
            "region": df["region"].str.strip().str.lower().replace("", "unknown"),
            "quantity": quantity,
            "unit_price": price,
            "amount": quantity * price,
            "day": at.dt.normalize(),
            "month": at.dt.to_period("M").dt.to_timestamp(),
            "quarter": at.dt.to_period("Q").dt.to_timestamp(),
        }
    )
    t = t[t["amount"] > 0]
    t = t.assign(
        season=t["month"].dt.month.map(SEASONS),
        price_category=pd.cut(t["unit_price"], BOUNDS, right=False, labels=CATEGORIES),
    )
    return t


def _pandas_marts(pd, np, t, out: Path, as_of: dt.date) -> None:  # type: ignore[no-untyped-def]
    daily = t.groupby("day").agg(
        transaction_count=("amount", "size"),
        customers=("customer_id", "nunique"),
        units=("quantity", "sum"),
        revenue=("amount", "sum"),
    )
    daily["aov"] = daily["revenue"] / daily["transaction_count"]
    daily.reset_index().to_parquet(out / "daily_revenue.parquet")
    regional = t.groupby(["month", "region"]).agg(
        quarter=("quarter", "min"),
        transaction_count=("amount", "size"),
        customers=("customer_id", "nunique"),
        units=("quantity", "sum"),
        revenue=("amount", "sum"),
    )
    prices = pd.crosstab([t["month"], t["region"]], t["price_category"])
    regional.join(prices).reset_index().to_parquet(out / "regional_monthly_metrics.parquet")
    monthly = (
        t.groupby(["month", "category"])
        .agg(n=("amount", "size"), units=("quantity", "sum"), revenue=("amount", "sum"))
        .reset_index()
    )
    previous = monthly[["month", "category", "revenue"]].assign(
        month=monthly["month"] + pd.DateOffset(months=1)
    )
    trends = monthly.merge(previous, on=["month", "category"], how="left", suffixes=("", "_p"))
    trends["growth"] = (trends["revenue"] - trends["revenue_p"]) / trends["revenue_p"]
    trends.to_parquet(out / "category_monthly_trends.parquet")
    customers = t.groupby("customer_id").agg(
        first_day=("day", "min"),
        last_day=("day", "max"),
        frequency=("amount", "size"),
        monetary=("amount", "sum"),
    )
    _segments(np, customers, pd.Timestamp(as_of))
    customers.reset_index().to_parquet(out / "customer_segments.parquet")


def _segments(np, c, as_of) -> None:  # type: ignore[no-untyped-def]
    c["recency"] = (as_of - c["last_day"]).dt.days
    tenure = (as_of - c["first_day"]).dt.days
    c["segment"] = np.select(
        [
            (c["recency"] <= 30) & (c["frequency"] >= 10),
            (c["recency"] <= 90) & (c["frequency"] >= 5),
            tenure <= 30,
            c["recency"] > 180,
            c["recency"] > 90,
        ],
        ["champion", "loyal", "new", "lost", "at_risk"],
        default="regular",
    )


def run_polars(raw: Path, out: Path, as_of: dt.date) -> dict[str, float]:
    import polars as pl

    files = [str(p) for p in sorted(raw.glob("*.csv"))]
    lf = pl.scan_csv(files, infer_schema=False, has_header=True, empty_string_is_null=False)
    s = pl.col
    lf = (
        lf.filter(s("unit_price").fill_null("") != "")
        .unique(subset=COLUMNS, keep="first", maintain_order=True)
        .with_columns(s("transaction_id").str.strip_chars(" ").alias("id"))
        .filter(s("id") != "")
        .filter(pl.len().over("id") == 1)
        .with_columns(
            s("customer_id").str.strip_chars(" "),
            s("transaction_ts").str.strip_chars(" ").str.to_datetime(strict=False).alias("at"),
            pl.when(s("quantity").str.strip_chars(" ").str.contains(f"^{QUANTITY}$"))
            .then(s("quantity").str.strip_chars(" ").cast(pl.Int64, strict=False))
            .alias("q"),
            pl.when(s("unit_price").str.strip_chars(" ").str.contains(f"^(?:{PRICE})$"))
            .then(s("unit_price").str.strip_chars(" ").cast(pl.Float64, strict=False))
            .alias("price"),
        )
        .filter(
            (s("customer_id") != "")
            & s("at").is_not_null()
            & (s("at").dt.date() <= as_of)
            & s("q").is_not_null()
            & s("price").is_not_null()
            & (s("q") * s("price") > 0)
        )
        .select(
            s("customer_id"),
            s("product_category").str.strip_chars(" ").str.to_lowercase().alias("category"),
            s("region").str.strip_chars(" ").str.to_lowercase().alias("region"),
            s("q").alias("quantity"),
            s("price").alias("unit_price"),
            (s("q") * s("price")).alias("amount"),
            s("at").dt.date().alias("day"),
            s("at").dt.truncate("1mo").dt.date().alias("month"),
            s("at").dt.truncate("1q").dt.date().alias("quarter"),
        )
        .with_columns(
            pl.when(s("category") == "")
            .then(pl.lit("unknown"))
            .otherwise(s("category"))
            .alias("category"),
            pl.when(s("region") == "")
            .then(pl.lit("unknown"))
            .otherwise(s("region"))
            .alias("region"),
            s("unit_price")
            .cut([20.0, 100.0, 500.0], labels=CATEGORIES, left_closed=True)
            .alias("price_category"),
        )
    )
    t = lf.collect(engine="streaming")
    t.group_by("day").agg(
        pl.len().alias("transaction_count"),
        s("customer_id").n_unique().alias("customers"),
        s("quantity").sum().alias("units"),
        s("amount").sum().alias("revenue"),
    ).with_columns((s("revenue") / s("transaction_count")).alias("aov")).write_parquet(
        out / "daily_revenue.parquet"
    )
    t.group_by("month", "region").agg(
        s("quarter").min(),
        pl.len().alias("transaction_count"),
        s("customer_id").n_unique().alias("customers"),
        s("quantity").sum().alias("units"),
        s("amount").sum().alias("revenue"),
        *[(s("price_category") == c).sum().alias(c.lower()) for c in CATEGORIES],
    ).write_parquet(out / "regional_monthly_metrics.parquet")
    monthly = t.group_by("month", "category").agg(
        pl.len().alias("n"), s("quantity").sum().alias("units"), s("amount").sum().alias("revenue")
    )
    previous = monthly.select(
        s("month").dt.offset_by("1mo"), s("category"), s("revenue").alias("previous")
    )
    monthly.join(previous, on=["month", "category"], how="left").with_columns(
        ((s("revenue") - s("previous")) / s("previous")).alias("growth")
    ).write_parquet(out / "category_monthly_trends.parquet")
    customers = t.group_by("customer_id").agg(
        s("day").min().alias("first_day"),
        s("day").max().alias("last_day"),
        pl.len().alias("frequency"),
        s("amount").sum().alias("monetary"),
    )
    recency = (pl.lit(as_of) - s("last_day")).dt.total_days()
    tenure = (pl.lit(as_of) - s("first_day")).dt.total_days()
    customers.with_columns(
        recency.alias("recency"),
        pl.when((recency <= 30) & (s("frequency") >= 10))
        .then(pl.lit("champion"))
        .when((recency <= 90) & (s("frequency") >= 5))
        .then(pl.lit("loyal"))
        .when(tenure <= 30)
        .then(pl.lit("new"))
        .when(recency > 180)
        .then(pl.lit("lost"))
        .when(recency > 90)
        .then(pl.lit("at_risk"))
        .otherwise(pl.lit("regular"))
        .alias("segment"),
    ).write_parquet(out / "customer_segments.parquet")
    return {"accepted": t.height, "revenue": float(t["amount"].sum())}


def run_dask(raw: Path, out: Path, as_of: dt.date) -> dict[str, float]:
    import dask
    import dask.dataframe as dd
    import pandas as pd

    dask.config.set(scheduler="threads")
    ddf = dd.read_csv(
        f"{raw.as_posix()}/*.csv",
        dtype=str,
        keep_default_na=False,
        usecols=COLUMNS,
        blocksize="64MB",
    )
    # the distributed part: filtering, exact duplicates and conflicts over all partitions
    ddf = ddf[ddf["unit_price"].fillna("") != ""].drop_duplicates(subset=COLUMNS)
    ddf = ddf.assign(id=ddf["transaction_id"].str.strip())
    counts = ddf.groupby("id").size()
    conflicting = counts[counts > 1].index.compute()
    ddf = ddf[(ddf["id"] != "") & ~ddf["id"].isin(list(conflicting))]
    # the per-row rules run partition by partition; the typed rows are aggregated in pandas
    typed = (
        ddf.drop(columns=["id"]).map_partitions(lambda part: _pandas_typed(pd, part, as_of))
    ).compute()
    import numpy as np

    _pandas_marts(pd, np, typed, out, as_of)
    return {"accepted": len(typed), "revenue": float(typed["amount"].sum())}


ENGINES = {"duckdb-sql": run_duckdb, "pandas": run_pandas, "polars": run_polars, "dask": run_dask}


def main(argv: list[str]) -> int:
    engine, raw, out = argv[0], Path(argv[1]), Path(argv[2])
    as_of = dt.date.fromisoformat(argv[3]) if len(argv) > 3 else dt.date(2024, 12, 31)
    out.mkdir(parents=True, exist_ok=True)
    summary = ENGINES[engine](raw, out, as_of)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
