"""ckanext-scheming schemas of ODPO (data only).

``dataset.yaml`` and ``organization.yaml`` are referred to as
``ckanext.odpo_schemas:dataset.yaml`` and
``ckanext.odpo_schemas:organization.yaml`` in the CKAN configuration.
"""
