"""ODPO harvesters: BODIK and municipal catalogues (CKAN, DCAT, 06
オープンデータ一覧 CSV).

The package is part of the layout; its harvesters are not written yet.
"""
