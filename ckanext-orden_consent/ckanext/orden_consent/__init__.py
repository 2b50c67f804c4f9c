"""ckanext-orden_consent: consent management for ORDEN (two-stage consent,
re-consent on changed terms, tamper-evident consent ledger, privacy center).

Other plugins use :mod:`ckanext.orden_consent.shared` and
:mod:`ckanext.orden_consent.interfaces` only.
"""
