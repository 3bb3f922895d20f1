"""The parts of `report`, the design evaluation report: cli runs them."""
