{{ config(tags=['plan']) }}

-- Each account's files as written (tributary.outputs.PURCHASE_ORDERS_SCHEMA, staged_files): only
-- the key is renamed.
{{ staged_files('derived', 'purchase_orders') }}
