{#- The planning date as a SQL date literal: var('as_of') or, when empty, today. -#}
{% macro as_of() -%}
    {%- set value = var('as_of', '') -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {%- set value = modules.datetime.date.today().isoformat() -%}
    {%- endif -%}
    date '{{ value }}'
{%- endmacro %}

{#- The aggregation period, validated: day | week | month. -#}
{% macro period() -%}
    {%- set value = var('period', 'week') | string | trim | lower -%}
    {%- if value not in ['day', 'week', 'month'] -%}
        {{ exceptions.raise_compiler_error("var period must be day, week or month, got " ~ value) }}
    {%- endif -%}
    {{- value -}}
{%- endmacro %}

{#- Days in one aggregation period (a month is 365.25 / 12 days on average). -#}
{% macro period_days() -%}
    {%- set p = period() -%}
    {%- if p == 'day' -%}1.0{%- elif p == 'week' -%}7.0{%- else -%}30.4375{%- endif -%}
{%- endmacro %}

{#- One aggregation period as a DuckDB interval. -#}
{% macro period_interval() -%}
    interval 1 {{ period() }}
{%- endmacro %}

{#- Start of the period holding a date. -#}
{% macro period_start(column) -%}
    cast(date_trunc('{{ period() }}', {{ column }}) as date)
{%- endmacro %}
