"""Between-item multidimensional 2PL/3PL with correlated domains, by expectation propagation.

Each item measures one domain :math:`d(j)`; abilities :math:`\\theta \\in \\mathbb{R}^D` have a
correlated normal prior :math:`N(\\mu_0, \\Sigma_0)`. The likelihood factorises over domains,

.. math:: p(\\theta \\mid u) \\propto N(\\theta; \\mu_0, \\Sigma_0) \\prod_d L_d(\\theta_d),
          \\qquad L_d(\\theta_d) = \\prod_{j: d(j)=d} P_j(\\theta_d)^{u_j} (1 - P_j(\\theta_d))^{1-u_j},

so expectation propagation needs one Gaussian site :math:`t_d(\\theta_d) = e^{-\\tau_d\\theta_d^2/2 +
\\nu_d\\theta_d}` per domain. The posterior approximation is :math:`q = N(\\mu, \\Sigma)` with

.. math:: \\Sigma^{-1} = \\Sigma_0^{-1} + \\mathrm{diag}(\\tau), \\qquad
          \\Sigma^{-1}\\mu = \\Sigma_0^{-1}\\mu_0 + \\nu .

Each sweep replaces a site so that the marginal of :math:`q` matches the mean and variance of the
*tilted* distribution :math:`q_{\\setminus d}(\\theta_d) L_d(\\theta_d)`, computed exactly on a 1-D grid.
The final marginals are those tilted distributions, so level probabilities reflect the real (skewed)
posterior shape, e.g. after a domain answered all right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from adaptest.psychometrics.estimation import cut_position, midpoint_cdf
from adaptest.psychometrics.irt import FloatArray, probability

_Z = np.linspace(-8.0, 8.0, 201)
"""Grid for tilted marginals, in standard deviations of the cavity distribution."""
_MIN_PRECISION = 1e-10


@dataclass(frozen=True)
class DomainPrior:
    """Normal prior over domain abilities."""

    mean: FloatArray
    cov: FloatArray

    @classmethod
    def exchangeable(cls, domains: int, correlation: float, sd: float = 1.0) -> DomainPrior:
        """Equal means (0), equal SDs and one correlation between every pair of domains."""
        cov = np.full((domains, domains), correlation * sd**2)
        np.fill_diagonal(cov, sd**2)
        return cls(np.zeros(domains), cov)

    @property
    def domains(self) -> int:
        return len(self.mean)


@dataclass(frozen=True)
class DomainPosterior:
    """Posterior mean and covariance, and each domain's marginal as weights on its own grid."""

    mean: FloatArray
    cov: FloatArray
    grids: FloatArray  # (D, G)
    weights: FloatArray  # (D, G), each row sums to 1
    sweeps: int

    @property
    def se(self) -> FloatArray:
        return np.sqrt(np.diag(self.cov))

    def cdf(self, cut: float) -> FloatArray:
        """P(θ_d < cut) for every domain, from its marginal by the midpoint rule."""
        return np.array(
            [midpoint_cdf(w, cut_position(g, cut)) for g, w in zip(self.grids, self.weights, strict=True)]
        )


def _tilted(
    mean: float, var: float, responses: FloatArray, a: FloatArray, b: FloatArray, c: FloatArray
) -> tuple[FloatArray, FloatArray]:
    grid = mean + np.sqrt(var) * _Z
    p = probability(grid[:, None], a, b, c)
    log_w = -0.5 * _Z**2 + (np.log(p) @ responses + np.log1p(-p) @ (1.0 - responses))
    w = np.exp(log_w - log_w.max())
    return grid, w / w.sum()


def domain_posterior(
    domain_of_item: ArrayLike,
    responses: ArrayLike,
    a: ArrayLike,
    b: ArrayLike,
    prior: DomainPrior,
    c: ArrayLike = 0.0,
    *,
    tolerance: float = 1e-6,
    max_sweeps: int = 50,
) -> DomainPosterior:
    """Posterior over domain abilities given scored responses to items of known domains."""
    domain = np.asarray(domain_of_item, dtype=np.int64)
    u = np.asarray(responses, dtype=np.float64)
    a_, b_ = (
        np.broadcast_to(np.asarray(a, np.float64), u.shape),
        np.broadcast_to(np.asarray(b, np.float64), u.shape),
    )
    c_ = np.broadcast_to(np.asarray(c, np.float64), u.shape)
    by_domain = {d: domain == d for d in np.unique(domain)}
    prior_precision = np.linalg.inv(prior.cov)
    prior_shift = prior_precision @ prior.mean
    tau, nu = np.zeros(prior.domains), np.zeros(prior.domains)
    mean, cov = prior.mean.copy(), prior.cov.copy()
    sweeps = 0
    for sweeps in range(1, max_sweeps + 1):  # noqa: B007 - the count is reported
        previous = mean.copy()
        for d, mask in by_domain.items():
            cavity_precision = 1.0 / cov[d, d] - tau[d]
            cavity_mean = (mean[d] / cov[d, d] - nu[d]) / cavity_precision
            grid, w = _tilted(cavity_mean, 1.0 / cavity_precision, u[mask], a_[mask], b_[mask], c_[mask])
            t_mean = float(w @ grid)
            t_var = float(w @ (grid - t_mean) ** 2)
            tau[d] = max(1.0 / t_var - cavity_precision, _MIN_PRECISION)
            nu[d] = t_mean / t_var - cavity_precision * cavity_mean
            cov = np.linalg.inv(prior_precision + np.diag(tau))
            mean = cov @ (prior_shift + nu)
        if np.max(np.abs(mean - previous)) < tolerance:
            break
    grids, weights = _marginals(mean, cov, tau, nu, by_domain, u, a_, b_, c_)
    return DomainPosterior(mean, cov, grids, weights, sweeps)


def _marginals(
    mean: FloatArray,
    cov: FloatArray,
    tau: FloatArray,
    nu: FloatArray,
    by_domain: dict[np.int64, NDArray[np.bool_]],
    u: FloatArray,
    a: FloatArray,
    b: FloatArray,
    c: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Each domain's marginal: the tilted distribution where it has data, else the Gaussian."""
    grids = mean[:, None] + np.sqrt(np.diag(cov))[:, None] * _Z[None, :]
    weights = np.exp(-0.5 * _Z**2)[None, :].repeat(len(mean), axis=0)
    weights /= weights.sum(axis=1, keepdims=True)
    for d, mask in by_domain.items():
        cavity_precision = 1.0 / cov[d, d] - tau[d]
        cavity_mean = (mean[d] / cov[d, d] - nu[d]) / cavity_precision
        grids[d], weights[d] = _tilted(
            cavity_mean, 1.0 / cavity_precision, u[mask], a[mask], b[mask], c[mask]
        )
    return grids, weights


__all__ = ["DomainPosterior", "DomainPrior", "domain_posterior"]
