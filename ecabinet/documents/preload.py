"""Imported once by the forkserver of ``ecabinet.core.sandbox``: the configured fonts parsed there, so that every
worker forked from it renders its document without parsing them again (``pdf.prepare_fonts``)."""

from config import Config
from ecabinet.documents.fontdir import FontMissing
from ecabinet.documents.pdf import prepare_fonts

try:
    prepare_fonts(Config.PDF_FONT_DIR)
except FontMissing:  # the render that needs them says so, with the remedy
    pass
