"""What a project is: its folders and files, brief.yaml, the params of a year, its areas.

paths (every path once; reads only inside the project), settings (brief.yaml), params
(params/<year>.yaml), areas (names and slugs), letters (one letter of a year: the city's or
an area's, its folder and key), and the scaffolding of `brief init` (starter) and
`brief new` (scaffold).

May import: the shared ground; the scaffolding also writes data in the notebook side's
format (brief.notebook) and a starter template (brief.letter). Must not import build,
review or cli. Only the scaffolding writes, and only new project files.
"""
