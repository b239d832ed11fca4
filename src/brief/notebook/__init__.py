"""The notebook side: what a notebook imports to read its data and publish its results.

Read and check data files (data, validate, problems, tablecache), select figures and follow
them to their rows (indicators, rowstyle), draw them in house style (charts), publish
values, figures and tables (publish), and read what was published back (collect).

May import: the shared ground (records, exceptions, i18n, formatting, files) and
brief.project (where the data is, the project's settings). Must not import build, letter,
review or cli: a notebook runs in a kernel and needs none of them. Writes nothing but the
checked-table cache under outputs/.cache/.
"""
