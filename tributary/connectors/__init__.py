"""Connectors turn a connection into raw tables of text, one per piece."""
