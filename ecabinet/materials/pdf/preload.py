"""Imported once by the forkserver of ``ecabinet.core.sandbox``: the faces of the pack's front pages and of the
watermark parsed there, so that every worker forked from it starts with them (``fonts.prepare``)."""

from ecabinet.documents.fontdir import FontMissing
from ecabinet.materials.pdf.fonts import prepare

try:
    prepare()
except FontMissing:  # the render that needs them says so, with the remedy
    pass
