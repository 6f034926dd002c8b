"""Materials: uploaded meeting documents (validation, text, watermark, the meeting pack)."""
