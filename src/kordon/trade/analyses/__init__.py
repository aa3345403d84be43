"""Trade-flow analyses. Each is one function taking a DuckDB connection and a :class:`Scope`, written in SQL.

- :func:`corridor_indices`: corridor trade against a baseline;
- :func:`roundabout_scores`: ranked (product, transit country) pairs;
- :func:`substitution_ratios`: rise to transit countries against fall of direct exports;
- :func:`mirror_gaps` and :func:`mirror_break`: exporter's against importer's records;
- :func:`unit_values`: value per kg or unit against the baseline;
- :func:`anomaly_flags`: doubling, new flows, structural breaks;
- :func:`difference_in_differences`: sanctioned vs other goods, transit vs other destinations, before vs after.
"""

from kordon.trade.analyses.anomalies import anomaly_flags
from kordon.trade.analyses.common import Scope, Table, Window, baseline_for, package_start, parse_window
from kordon.trade.analyses.did import difference_in_differences
from kordon.trade.analyses.indices import corridor_indices
from kordon.trade.analyses.mirror import mirror_break, mirror_gaps
from kordon.trade.analyses.roundabout import roundabout_scores
from kordon.trade.analyses.substitution import substitution_ratios
from kordon.trade.analyses.unit_values import unit_values

__all__ = [
    "Scope", "Table", "Window", "anomaly_flags", "baseline_for", "corridor_indices", "difference_in_differences",
    "mirror_break", "mirror_gaps", "package_start", "parse_window", "roundabout_scores", "substitution_ratios",
    "unit_values",
]
