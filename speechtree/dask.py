"""Scale-out: speechtree inside a Dask bag, for corpora beyond one machine.

Needs the extra: ``pip install speechtree[dask]``. Dask does the scheduling
(threads, local processes, or a ``distributed`` cluster); speechtree only
supplies the per-partition work, so nothing here is a scheduler of its own.

>>> from speechtree.dask import bag_of_outlines, bag_of_rows  # doctest: +SKIP
>>> results = bag_of_outlines(paths).compute(scheduler="processes")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any, cast

try:
    import dask.bag as db
except ImportError as exc:  # the extra is not installed
    raise ImportError(
        "speechtree.dask needs Dask's bags: pip install 'speechtree[dask]'", name=exc.name
    ) from exc

from .batch import Result, parse_many
from .options import ParseOptions


def _parse_partition(paths: Iterable[str], options: ParseOptions | None) -> list[Result]:
    # One process per partition is Dask's job, so parse in-process here.
    return list(parse_many(paths, jobs=1, options=options))


def _rows_partition(paths: Iterable[str], options: ParseOptions | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for res in parse_many(paths, jobs=1, options=options):
        if res.document is not None:
            out.extend(r._asdict() for r in res.document.rows())
    return out


def _paths_bag(paths: Sequence[str | os.PathLike[str]], npartitions: int | None) -> db.Bag:
    names = [os.fspath(p) for p in paths]
    n = npartitions or max(1, min(len(names), 100))
    return cast(db.Bag, db.from_sequence(names, npartitions=n))  # type: ignore[no-untyped-call]


def bag_of_outlines(
    paths: Sequence[str | os.PathLike[str]],
    *,
    options: ParseOptions | None = None,
    npartitions: int | None = None,
) -> db.Bag:
    """A bag of :class:`speechtree.batch.Result`, one per path (a Document or
    the failure). Paths must be readable where the workers run."""
    bag = _paths_bag(paths, npartitions)
    return cast(db.Bag, bag.map_partitions(_parse_partition, options))  # type: ignore[no-untyped-call]


def bag_of_rows(
    paths: Sequence[str | os.PathLike[str]],
    *,
    options: ParseOptions | None = None,
    npartitions: int | None = None,
) -> db.Bag:
    """A bag of row dicts (the ``--table`` columns), one per node of every
    file that parsed; ``.to_dataframe()`` turns it into a Dask DataFrame
    when pandas is installed. Files that fail contribute no rows: use
    :func:`bag_of_outlines` to see the failures."""
    bag = _paths_bag(paths, npartitions)
    return cast(db.Bag, bag.map_partitions(_rows_partition, options))  # type: ignore[no-untyped-call]
