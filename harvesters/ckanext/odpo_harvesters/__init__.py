"""ODPO harvesters: BODIK and municipal catalogues (CKAN, DCAT, 06
オープンデータ一覧 CSV), built on ckanext-harvest.

Code map: :mod:`.base` (gather/fetch/import, withdrawals), :mod:`.remote`
(polite HTTP client), :mod:`.mapping` (records -> ODPO schema),
:mod:`.organisations` (organisations by 全国地方公共団体コード), one module
per harvester, :mod:`.report` and :mod:`.cli` (``ckan odpo harvest report``).
"""
