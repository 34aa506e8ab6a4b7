{#- Day/month/year text (2/8/16, 02/08/2016) to a date, or null when it is not a real date.
    A two-digit year follows the usual strptime pivot: 00-68 are 2000-2068, 69-99 are
    1969-1999 (so 2/8/16 is 2016-08-02). -#}
{% macro parse_day_month_year(text) -%}
    {{ return(adapter.dispatch('parse_day_month_year')(text)) }}
{%- endmacro %}

{% macro default__parse_day_month_year(text) -%}
    case
        when regexp_full_match(trim({{ text }}), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}')
            then try_strptime(trim({{ text }}), '%d/%m/%y')::date
        when regexp_full_match(trim({{ text }}), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}')
            then try_strptime(trim({{ text }}), '%d/%m/%Y')::date
    end
{%- endmacro %}

{#- PostgreSQL: the parts rewritten as YYYY-MM-DD, cast by the null-on-error date cast. -#}
{% macro postgres__parse_day_month_year(text) -%}
    {%- set day = "lpad(split_part(trim(" ~ text ~ "), '/', 1), 2, '0')" -%}
    {%- set month = "lpad(split_part(trim(" ~ text ~ "), '/', 2), 2, '0')" -%}
    {%- set year = "split_part(trim(" ~ text ~ "), '/', 3)" -%}
    case
        when regexp_full_match(trim({{ text }}), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}')
            then {{ try_cast(
                "case when " ~ year ~ " <= '68' then '20' else '19' end || " ~ year
                ~ " || '-' || " ~ month ~ " || '-' || " ~ day, 'date') }}
        when regexp_full_match(trim({{ text }}), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}')
            then {{ try_cast(year ~ " || '-' || " ~ month ~ " || '-' || " ~ day, 'date') }}
    end
{%- endmacro %}

{#- Spark: PostgreSQL's reading (Spark's own date patterns have no strptime pivot). -#}
{% macro spark__parse_day_month_year(text) -%}
    {{ return(postgres__parse_day_month_year(text)) }}
{%- endmacro %}

{#- A date of birth read with parse_day_month_year(), placed before the transaction: a
    two-digit year that lands after the transaction date is moved back a century (4/4/57 is
    1957, not 2057), and the bank's placeholder for "unknown", 1/1/1800, becomes null.
    See the readings of the contract in models/staging/bank/bank.md (doc block
    bank_contract_readings). -#}
{% macro birth_date_before(parsed_birth_date, birth_date_text, transaction_date) -%}
    case
        when {{ parsed_birth_date }} = date '1800-01-01' then null
        when {{ parsed_birth_date }} > {{ transaction_date }}
            and regexp_full_match(trim({{ birth_date_text }}), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}')
            then cast({{ parsed_birth_date }} - interval '100 years' as date)
        else {{ parsed_birth_date }}
    end
{%- endmacro %}
