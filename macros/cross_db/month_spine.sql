{#- One row per month from first_month to last_month (both first days of a month, both
    included), in a column `month_start_date` (date): a query over a one-row relation holding
    the two bounds. No row when the bounds are null (no data). -#}
{% macro month_spine(bounds, first_month, last_month) -%}
    {{ return(adapter.dispatch('month_spine')(bounds, first_month, last_month)) }}
{%- endmacro %}

{% macro default__month_spine(bounds, first_month, last_month) -%}
    select cast(months.month_start as date) as month_start_date
    from {{ bounds }}
    cross join lateral generate_series(
        cast({{ first_month }} as {{ dbt.type_timestamp() }}),
        cast({{ last_month }} as {{ dbt.type_timestamp() }}),
        interval '1 month'
    ) as months (month_start)
{%- endmacro %}

{% macro duckdb__month_spine(bounds, first_month, last_month) -%}
    select cast(months.month_start as date) as month_start_date
    from (
        select
            unnest(generate_series(
                cast({{ first_month }} as timestamp),
                cast({{ last_month }} as timestamp),
                interval 1 month
            )) as month_start
        from {{ bounds }}
        where {{ first_month }} is not null and {{ last_month }} is not null
    ) as months
{%- endmacro %}

{% macro spark__month_spine(bounds, first_month, last_month) -%}
    select cast(months.month_start as date) as month_start_date
    from {{ bounds }}
    lateral view explode(
        sequence(
            cast({{ first_month }} as date), cast({{ last_month }} as date), interval 1 month
        )
    ) months as month_start
{%- endmacro %}
