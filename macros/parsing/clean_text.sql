{#- Free text cleaned the way the streaming feed needs (the Python reference mirrors it):

    1. the HTML entities &lt; &gt; &quot; &#39; &apos; &nbsp; (a space) are decoded, then
       &amp; last (so &amp;lt; becomes &lt;, not <); other entities stay as they are;
    2. every control character (Unicode Cc: tab, CR, LF, NUL, ...) becomes a space;
    3. every character that is not a letter (L), mark (M), number (N), punctuation (P) or space
       separator (Zs) is removed (emoji, symbols, format characters such as the zero-width
       joiner), and so are the variation selectors U+FE00..U+FE0F (marks, but invisible);
    4. runs of spaces become one space, the text is trimmed, and an empty result is null.

    Accented letters stay. DuckDB's regular expressions are RE2's Unicode classes;
    PostgreSQL has no such classes, so there clean_text() is the function
    analytics_functions.clean_text (engine_functions_setup()), the same SQL with the classes
    written out as code-point ranges (clean_text_classes.sql, generated from Python's
    unicodedata: a character assigned in a later Unicode version than both know may differ). -#}
{% macro clean_text(expr) -%}
    {{ return(adapter.dispatch('clean_text')(expr)) }}
{%- endmacro %}

{% macro default__clean_text(expr) -%}
    {{ clean_text_sql(
        expr,
        control_pattern='\\p{Cc}',
        removed_pattern='[^\\p{L}\\p{M}\\p{N}\\p{P}\\p{Zs}]|[\\x{FE00}-\\x{FE0F}]',
        spaces_pattern='\\p{Zs}+',
    ) }}
{%- endmacro %}

{% macro postgres__clean_text(expr) -%}
    analytics_functions.clean_text({{ expr }})
{%- endmacro %}

{#- The SQL of clean_text() given the engine's three patterns (control characters, what is
    removed, runs of spaces). -#}
{% macro clean_text_sql(expr, control_pattern, removed_pattern, spaces_pattern) -%}
    {#- every match is replaced: DuckDB and PostgreSQL by the 'g' flag, Spark always -#}
    {%- set every_match = '' if target.type == 'spark' else ", 'g'" -%}
    nullif(
        trim(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        replace(
                            replace(replace(replace(replace(replace(replace(
                                {{ expr }},
                                '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', {{ sql_text("'") }}),
                                '&apos;', {{ sql_text("'") }}), '&nbsp;', ' '),
                            '&amp;', '&'
                        ),
                        {{ sql_text(control_pattern) }}, ' '{{ every_match }}
                    ),
                    {{ sql_text(removed_pattern) }}, ''{{ every_match }}
                ),
                {{ sql_text(spaces_pattern) }}, ' '{{ every_match }}
            )
        ),
        ''
    )
{%- endmacro %}
