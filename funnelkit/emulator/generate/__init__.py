"""Generated portals: the messy one with its answer key, healthy ones shaped by a blueprint."""
