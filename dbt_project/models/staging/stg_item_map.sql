-- Each account's files as written (tributary.contract.arrow_schema, staged_files): only the key is
-- renamed. A multiplier not given is 1 (data contract: one child unit is one master unit unless
-- the map says otherwise).
{{ staged_files('lake', 'item_map', defaults={'multiplier': "1.0"}) }}
