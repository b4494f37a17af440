"""Minutes as a PDF: the same HTML as the minutes page, rendered by WeasyPrint.

The PDF travels to people without accounts, so it is built from the requesting user's view
of the meeting (what they may see under the protocol) and its download is logged.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def minutes_pdf(context: dict[str, Any], *, base_url: str) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only this download needs.
    from weasyprint import HTML

    html = render_to_string("forums/minutes_document.html", {**context, "for_pdf": True})
    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf()
    return pdf
