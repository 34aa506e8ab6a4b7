{#- The six streaming entities the audit models account for (a source_name each,
    streaming_<entity>), in the order of their rows. -#}
{% macro streaming_accounted_entities() -%}
    {{ return(['authors', 'books', 'reviews', 'users', 'movies', 'streams']) }}
{%- endmacro %}
