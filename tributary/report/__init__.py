"""The planning report: a self-contained HTML site (inline SVG charts) over the marts.

`build_report` writes `report/index.html` in a home: an overview per account and the master,
and item pages for every A item and every item at risk. No Dagster import: the report asset and
`tributary report` both call it.
"""

from tributary.report.build import ReportError, ReportResult, build_report

__all__ = ["ReportError", "ReportResult", "build_report"]
