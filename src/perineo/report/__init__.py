"""Assessment reports: JSON for tools, self-contained HTML (inline SVG) for people."""

from perineo.report.build import ReportInfo, report_html, report_json, write_private

__all__ = ["ReportInfo", "report_html", "report_json", "write_private"]
