{#- Join condition: rows of relations `left` and `right` are of the same planning item
    (account_id, item_code, location), the key every intermediate model and mart is built on. -#}
{% macro same_planning_item(left, right) -%}
    {{ left }}.account_id = {{ right }}.account_id
        and {{ left }}.item_code = {{ right }}.item_code
        and {{ left }}.location = {{ right }}.location
{%- endmacro %}
