"""Official documents (公文): PDFs in Chinese rendered with reportlab, numbered (文号) and verifiable."""
