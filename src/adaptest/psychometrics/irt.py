"""Item response models: probabilities and Fisher information, scalar or vectorised.

Parameters follow the logistic metric without the 1.7 scaling constant:

.. math:: P_j(\\theta) = c_j + (1 - c_j)\\,\\sigma\\big(a_j(\\theta - b_j)\\big),
          \\qquad \\sigma(x) = 1 / (1 + e^{-x})

1PL is ``a = 1, c = 0``; 2PL is ``c = 0``. Arrays broadcast: pass ``theta`` of shape (n, 1) and item
parameters of shape (m,) to get an (n, m) table.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

# Probabilities are kept inside (EPS, 1 - EPS) so that logs and divisions stay finite.
EPS = 1e-10


def logistic(x: ArrayLike) -> FloatArray:
    """The logistic function :math:`\\sigma(x) = 1 / (1 + e^{-x}) = \\tfrac12 (1 + \\tanh(x/2))`.

    The tanh form never overflows and is several times faster than exp/log formulations.
    """
    return 0.5 + 0.5 * np.tanh(0.5 * np.asarray(x, dtype=np.float64))


def probability(theta: ArrayLike, a: ArrayLike = 1.0, b: ArrayLike = 0.0, c: ArrayLike = 0.0) -> FloatArray:
    """Probability of a correct response under the 3PL (2PL when ``c = 0``, 1PL when also ``a = 1``).

    .. math:: P(\\theta) = c + (1 - c)\\,\\sigma(a(\\theta - b))
    """
    c = np.asarray(c, dtype=np.float64)
    p = c + (1.0 - c) * logistic(np.asarray(a) * (np.asarray(theta) - np.asarray(b)))
    return np.asarray(np.clip(p, EPS, 1.0 - EPS), dtype=np.float64)


def information(theta: ArrayLike, a: ArrayLike = 1.0, b: ArrayLike = 0.0, c: ArrayLike = 0.0) -> FloatArray:
    """Fisher information of an item at ``theta``.

    .. math:: I(\\theta) = a^2 \\, \\frac{(P - c)^2}{(1 - c)^2} \\, \\frac{1 - P}{P}

    which reduces to :math:`a^2 P (1 - P)` for the 2PL.
    """
    a = np.asarray(a, dtype=np.float64)
    c = np.asarray(c, dtype=np.float64)
    if not np.any(c):  # 2PL: the common case, and a hot path in item selection
        p = logistic(a * (np.asarray(theta) - np.asarray(b)))
        return np.asarray(a**2 * p * (1.0 - p), dtype=np.float64)
    p = probability(theta, a, b, c)
    return np.asarray(a**2 * ((p - c) ** 2 / (1.0 - c) ** 2) * ((1.0 - p) / p), dtype=np.float64)


def log_likelihood(
    theta: ArrayLike, responses: ArrayLike, a: ArrayLike, b: ArrayLike, c: ArrayLike = 0.0
) -> FloatArray:
    """Log-likelihood of 0/1 ``responses`` (last axis: items), summed over items.

    .. math:: \\ell(\\theta) = \\sum_j u_j \\log P_j(\\theta) + (1 - u_j) \\log(1 - P_j(\\theta))
    """
    u = np.asarray(responses, dtype=np.float64)
    p = probability(np.asarray(theta)[..., None], a, b, c)
    return np.asarray(np.sum(u * np.log(p) + (1.0 - u) * np.log1p(-p), axis=-1), dtype=np.float64)


__all__ = ["EPS", "FloatArray", "information", "log_likelihood", "logistic", "probability"]
