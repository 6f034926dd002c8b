"""The Office's own reports: the figures of its annual (quarterly, monthly) work report, counted from ecabinet."""
