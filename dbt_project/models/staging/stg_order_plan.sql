{{ config(tags=['plan']) }}

-- Each account's files as written (tributary.outputs.ORDER_PLAN_SCHEMA, staged_files): only the
-- key is renamed.
{{ staged_files('derived', 'order_plan') }}
