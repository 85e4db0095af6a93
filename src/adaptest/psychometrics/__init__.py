"""Numbers only: IRT models, ability estimation, item selection, calibration, Elo and simulation.

This layer knows nothing of item text, files or the web (see docs/DESIGN in shared/). The adaptive
engine lands here; the fixed-form certification exam needs none of it.
"""

__all__: list[str] = []
