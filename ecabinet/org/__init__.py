"""The organisation: the tree of units (province, Office, departments, districts, communes) and sectors."""
