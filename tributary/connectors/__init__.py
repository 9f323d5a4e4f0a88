"""Connectors turn a connection into raw tables of text, one per piece.

``folder``: a folder of ``<piece>.csv`` / ``<piece>.parquet`` files (connection type ``folder``,
alias ``csv``).
``database``: one SQL query per piece against a SQLAlchemy URL (connection type ``database``).
"""
