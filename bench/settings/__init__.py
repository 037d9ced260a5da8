"""Settings for `make bench`: ours (the shop as production runs it), stock Oscar, bare Django."""
