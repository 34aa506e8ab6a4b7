{#- Free text cleaned the way the streaming feed needs (the Python reference mirrors it):

    1. the HTML entities &lt; &gt; &quot; &#39; &apos; &nbsp; (a space) are decoded, then
       &amp; last (so &amp;lt; becomes &lt;, not <); other entities stay as they are;
    2. every control character (Unicode Cc: tab, CR, LF, NUL, ...) becomes a space;
    3. every character that is not a letter (L), mark (M), number (N), punctuation (P) or space
       separator (Zs) is removed (emoji, symbols, format characters such as the zero-width
       joiner), and so are the variation selectors U+FE00..U+FE0F (marks, but invisible);
    4. runs of spaces become one space, the text is trimmed, and an empty result is null.

    Accented letters stay. Regular expressions are RE2's Unicode classes. -#}
{% macro clean_text(expr) -%}
    nullif(
        trim(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        replace(
                            replace(replace(replace(replace(replace(replace(
                                {{ expr }},
                                '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''),
                                '&apos;', ''''), '&nbsp;', ' '),
                            '&amp;', '&'
                        ),
                        '\p{Cc}', ' ', 'g'
                    ),
                    '[^\p{L}\p{M}\p{N}\p{P}\p{Zs}]|[\x{FE00}-\x{FE0F}]', '', 'g'
                ),
                '\p{Zs}+', ' ', 'g'
            )
        ),
        ''
    )
{%- endmacro %}
