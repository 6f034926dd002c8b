"""Demo data: a realistic province to try ecabinet with (``flask --app ecabinet seed-demo``)."""
