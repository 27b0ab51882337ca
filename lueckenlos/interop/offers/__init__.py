"""Import of offers from the coordinators' spreadsheets (CSV, XLSX) and GeoJSON point files.

The steps, each a module of plain functions: `fields` (the target fields and the column
mapping proposed from column titles), `values` (cell texts to ages, costs, languages, terms),
`preview` (rows parsed, validated and matched against the Kommune's offers: what would be
created, updated, left unchanged or rejected) and `services` (the all-or-nothing write).
"""
