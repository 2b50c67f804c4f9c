"""Cross-prefecture sharing: ODPO's DCAT profile, the partner change feed,
partner records and the pull client (plugin ``odpo_sharing``)."""
