"""Former home of the key-value memory studies, now :mod:`memsim.experiments.studies.kv`.

Kept so existing code (``from memsim.kv.studies import retrieval_sweep``) keeps working; it
re-exports the same functions.
"""

from memsim.experiments.studies.kv import *  # noqa: F403
from memsim.experiments.studies.kv import RETRIEVAL_DEFAULTS, __all__  # noqa: F401
