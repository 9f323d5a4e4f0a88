{#- Passes when no two rows share the same values of all the given columns. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grouped as (

    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as n_rows

    from {{ model }}
    group by all

)

select * from grouped
where n_rows > 1

{% endtest %}
