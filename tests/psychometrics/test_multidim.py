"""The EP posterior over correlated domains, checked against independent references."""

from __future__ import annotations

import numpy as np
import pytest

from adaptest.psychometrics.estimation import eap
from adaptest.psychometrics.irt import probability
from adaptest.psychometrics.multidim import DomainPrior, domain_posterior

PRIOR = DomainPrior.exchangeable(4, 0.7)
CUTS = (-0.43, 0.43)


def _importance_reference(dom, u, a, b, post, rng, n=300_000):  # type: ignore[no-untyped-def]
    """Posterior means and level probabilities by importance sampling from a widened multivariate t."""
    df, widen = 5, 1.5
    chol = np.linalg.cholesky(post.cov * widen)
    draws = post.mean + (rng.standard_normal((n, 4)) @ chol.T) / np.sqrt(rng.chisquare(df, n) / df)[:, None]
    centred = draws - post.mean
    log_q = (
        -(df + 4)
        / 2
        * np.log1p(np.einsum("ni,ij,nj->n", centred, np.linalg.inv(post.cov * widen), centred) / df)
    )
    log_p = -0.5 * np.einsum("ni,ij,nj->n", draws, np.linalg.inv(PRIOR.cov), draws)
    p = probability(draws[:, dom], a, b)
    log_p += (np.log(p) * u + np.log1p(-p) * (1 - u)).sum(axis=1)
    w = np.exp(log_p - log_q - np.max(log_p - log_q))
    w /= w.sum()
    below = np.array([[w @ (draws[:, d] < cut) for cut in CUTS] for d in range(4)])
    return w @ draws, below


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ep_matches_an_importance_sampling_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    dom = np.repeat(np.arange(4), 5)
    a, b = rng.lognormal(0, 0.25, 20), rng.normal(0, 1, 20)
    theta = rng.multivariate_normal(PRIOR.mean, PRIOR.cov)
    u = (rng.random(20) < probability(theta[dom], a, b)).astype(float)
    u[dom == seed % 4] = 1.0  # one domain all right: a skewed marginal
    post = domain_posterior(dom, u, a, b, PRIOR)
    mean, below = _importance_reference(dom, u, a, b, post, rng)
    assert post.mean == pytest.approx(mean, abs=0.01)
    for k, cut in enumerate(CUTS):
        assert post.cdf(cut) == pytest.approx(below[:, k], abs=0.01)


def test_with_one_domain_ep_is_the_exact_grid_posterior() -> None:
    a, b, u = np.array([1.0, 1.5, 0.7]), np.array([-0.5, 0.3, 1.2]), np.array([1.0, 1.0, 0.0])
    post = domain_posterior(np.zeros(3, np.int64), u, a, b, DomainPrior.exchangeable(1, 0.0))
    exact = eap(u, a, b)
    assert post.mean[0] == pytest.approx(exact.theta, abs=2e-3)
    assert post.se[0] == pytest.approx(exact.se, abs=2e-3)


def test_without_responses_the_posterior_is_the_prior() -> None:
    post = domain_posterior(np.zeros(0, np.int64), np.zeros(0), np.zeros(0), np.zeros(0), PRIOR)
    assert post.mean == pytest.approx(PRIOR.mean)
    assert post.cov == pytest.approx(PRIOR.cov)
    assert post.cdf(0.0) == pytest.approx(np.full(4, 0.5), abs=1e-3)


def test_correlated_domains_borrow_strength() -> None:
    """Right answers in one domain raise the estimate of the others, more with higher correlation."""
    dom, a, b, u = np.zeros(5, np.int64), np.ones(5), np.zeros(5), np.ones(5)
    weak = domain_posterior(dom, u, a, b, DomainPrior.exchangeable(4, 0.2))
    strong = domain_posterior(dom, u, a, b, DomainPrior.exchangeable(4, 0.8))
    assert 0 < weak.mean[1] < strong.mean[1] < strong.mean[0]
    assert strong.se[1] < weak.se[1] < 1.0
