"""`cardlint census`: the whole pipeline over a dump of many cards on a Dask cluster, with a report.

inputs.py plans partitions of a Parquet dump (or converts a folder/tarball of READMEs into one); rows.py turns
one partition's cards into result rows (pure); engine.py runs the partitions on Dask and writes them so a
stopped run resumes; summary.py and report.py read the results back into summary.json and report.html.
"""
