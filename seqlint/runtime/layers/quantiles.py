"""The approximate quantiles ``Discretization.adapt`` learns its bin boundaries from.

Keras 3 keeps a weighted summary of the data (about ``1 / epsilon`` points, each with the
number of values it stands for), merges the summary of each batch into it, and finally
interpolates ``num_bins`` equal-weight boundaries from the cumulative weights. The boundaries
are therefore approximate, and differ from exact quantiles; matching them needs the same
summary steps, which this module performs (checked against Keras in the tests).
"""

from __future__ import annotations

import numpy


def summarize(values: numpy.ndarray, epsilon: float) -> numpy.ndarray:
    """A ``(2, m)`` summary of ``values``: every ``step``-th sorted value and its weight
    ``step``, where ``step`` makes about ``1 / epsilon`` points (all values when fewer)."""
    ordered = numpy.sort(numpy.reshape(values, -1))
    step = max(ordered.size / (1.0 / epsilon), 1)
    points = ordered[int(step - 1) :: int(step)]
    return numpy.stack([points, numpy.ones_like(points) * step])


def compress(summary: numpy.ndarray, epsilon: float) -> numpy.ndarray:
    """About ``1 / epsilon`` points of equal weight interpolated along the cumulative weights
    (a summary already smaller than that is kept)."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + numpy.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    fractions = cumulative / cumulative[-1]
    points = numpy.interp(percents, fractions, summary[0])
    weights = numpy.interp(percents, fractions, cumulative)
    weights = weights - numpy.concatenate((numpy.array([0.0]), weights[:-1]))
    return numpy.stack((points, weights)).astype("float32")


def merge(first: numpy.ndarray, second: numpy.ndarray, epsilon: float) -> numpy.ndarray:
    """One compressed summary of two summaries of distinct data."""
    merged = numpy.concatenate((first, second), axis=1)
    merged = numpy.take(merged, numpy.argsort(merged[0]), axis=1)
    return compress(merged, epsilon)


def bin_boundaries(data: numpy.ndarray, num_bins: int, epsilon: float) -> list[float]:
    """The boundaries ``Discretization(num_bins=...).adapt(data)`` learns (one batch)."""
    values = numpy.asarray(data).astype("float32")
    empty = numpy.array([[], []], dtype="float32")
    summary = merge(summarize(values, epsilon), empty, epsilon)
    return [float(b) for b in compress(summary, 1.0 / num_bins)[0, :-1]]
