"""Tasks (nhiệm vụ) that agencies carry out and report on."""
