{#- Split one CSV line into its unquoted field values (a list of text), or null when the
    line's quoting is broken (an unterminated quote, a quote inside an unquoted field).

    Lines without a double quote take the fast path (string_split). Lines with one are split
    by a regular expression that matches quoted fields ("a, ""b""") and plain fields; when
    the matched pieces do not rebuild the whole line, the quoting is broken. A quoted field
    may hold line breaks (a record of several lines, from raw_csv_lines()). A byte-order mark
    at the start of the line is no part of its first field. -#}
{% macro csv_split(raw_line) -%}
    {{ return(adapter.dispatch('csv_split')(raw_line)) }}
{%- endmacro %}

{% macro default__csv_split(raw_line) -%}
    {%- set line = without_bom(raw_line) -%}
    case
        when ({{ line }}) is null then null
        when not contains(({{ line }}), '"') then string_split(({{ line }}), ',')
        when array_to_string(
            regexp_extract_all(({{ line }}) || ',', '("(?:[^"]|"")*"|[^,"]*),', 1), ','
        ) = ({{ line }})
            then list_transform(
                regexp_extract_all(({{ line }}) || ',', '("(?:[^"]|"")*"|[^,"]*),', 1),
                lambda field: case
                    when starts_with(field, '"')
                        then replace(field[2:-2], '""', '"')
                    else field
                end
            )
    end
{%- endmacro %}

{#- PostgreSQL: the same rules with an array of the matched fields (regexp_matches 'g'). -#}
{% macro postgres__csv_split(raw_line) -%}
    {%- set line = without_bom(raw_line) -%}
    case
        when ({{ line }}) is null then null
        when strpos(({{ line }}), '"') = 0 then string_to_array(({{ line }}), ',')
        else (
            select
                case
                    when string_agg(piece.match[1], ',' order by piece.position) = ({{ line }})
                        then array_agg(
                            case
                                when left(piece.match[1], 1) = '"'
                                    then replace(
                                        substr(piece.match[1], 2, length(piece.match[1]) - 2),
                                        '""',
                                        '"'
                                    )
                                else piece.match[1]
                            end
                            order by piece.position
                        )
                end
            from regexp_matches(
                ({{ line }}) || ',', '("(?:[^"]|"")*"|[^,"]*),', 'g'
            ) with ordinality as piece (match, position)
        )
    end
{%- endmacro %}

{#- Spark: the same rules (split with limit -1 keeps empty trailing fields, as DuckDB does). -#}
{% macro spark__csv_split(raw_line) -%}
    {%- set line = without_bom(raw_line) -%}
    case
        when ({{ line }}) is null then null
        when not contains(({{ line }}), '"') then split(({{ line }}), ',', -1)
        when array_join(
            regexp_extract_all(({{ line }}) || ',', '("(?:[^"]|"")*"|[^,"]*),', 1), ','
        ) = ({{ line }})
            then transform(
                regexp_extract_all(({{ line }}) || ',', '("(?:[^"]|"")*"|[^,"]*),', 1),
                field -> case
                    when startswith(field, '"')
                        then replace(substr(field, 2, length(field) - 2), '""', '"')
                    else field
                end
            )
    end
{%- endmacro %}
