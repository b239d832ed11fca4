"""The build side: the coordinators that turn a project into letters in outputs/.

plan (what to redo), kernels, zygote and provisioner (forked notebook kernels), run
(papermill), year (one year's letter: the coordinator), grid (one letter per area), cluster
and shipping (Dask), history (kept letters, sent or not), diff (`brief diff`), locks, check
(`brief check` and `brief fields`), fingerprint (versions, git) and pausing (a test hook).

May import every side but cli. Only the coordinators here (year, grid, diff) write into
outputs/, each through a staging folder under the letter's lock.
"""

from brief import _moved

__getattr__ = _moved.package_getattr(__name__)  # brief.build was build.py in brief 0.1
