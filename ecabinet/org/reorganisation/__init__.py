"""Reorganising the province's units: merging, splitting and renaming them with an effective date, moving
their open work to the successors and recording every move."""
