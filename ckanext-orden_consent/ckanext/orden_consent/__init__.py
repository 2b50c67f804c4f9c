"""ckanext-orden_consent: consent management for ORDEN (two-stage consent,
re-consent on changed terms, consent ledger, privacy center).

The package is part of the layout; its plugin is not written yet.
"""
