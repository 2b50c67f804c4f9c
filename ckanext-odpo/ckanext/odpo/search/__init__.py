"""Embedded PostgreSQL search backend speaking CKAN's Solr contract."""
