{#- Meteorological season (northern hemisphere) of a date: winter is December to February,
    spring March to May, summer June to August, autumn September to November. -#}
{% macro retail_season(date_column) -%}
    case
        when extract(month from {{ date_column }}) in (12, 1, 2) then 'winter'
        when extract(month from {{ date_column }}) in (3, 4, 5) then 'spring'
        when extract(month from {{ date_column }}) in (6, 7, 8) then 'summer'
        else 'autumn'
    end
{%- endmacro %}
