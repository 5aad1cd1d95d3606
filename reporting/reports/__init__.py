"""PDF progress reports: content builders, WeasyPrint rendering and the request/render service.

WeasyPrint is imported lazily inside ``pdf.html_to_pdf``; importing this package stays cheap.
"""
