"""ODPO catalogue features for CKAN."""
