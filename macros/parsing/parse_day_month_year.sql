{#- Day/month/year text (2/8/16, 02/08/2016) to a date, or null when it is not a real date.
    A two-digit year is placed in the given century (2000 reads 16 as 2016). -#}
{% macro parse_day_month_year(text, two_digit_century=2000) -%}
    case
        when regexp_full_match(trim({{ text }}), '[0-9]{1,2}/[0-9]{1,2}/([0-9]{2}|[0-9]{4})')
            then try_strptime(
                regexp_replace(
                    trim({{ text }}),
                    '^([0-9]{1,2})/([0-9]{1,2})/([0-9]{2})$',
                    '\1/\2/{{ two_digit_century // 100 }}\3'
                ),
                '%d/%m/%Y'
            )::date
    end
{%- endmacro %}

{#- A date of birth as the bank writes it (10/1/94), read against the transaction date:
    a two-digit year is in the 2000s unless that would put the birth after the transaction,
    in which case it is in the 1900s (see the README, "Readings of the contract").
    The placeholder 1/1/1800 and blanks give null. -#}
{% macro parse_birth_date(text, transaction_date) -%}
    case
        when {{ parse_day_month_year(text) }} = date '1800-01-01' then null
        when regexp_full_match(trim({{ text }}), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}')
            and {{ parse_day_month_year(text, 2000) }} <= {{ transaction_date }}
            then {{ parse_day_month_year(text, 2000) }}
        when regexp_full_match(trim({{ text }}), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}')
            then {{ parse_day_month_year(text, 1900) }}
        else {{ parse_day_month_year(text) }}
    end
{%- endmacro %}
