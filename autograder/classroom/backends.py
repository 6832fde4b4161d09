"""Where a class's gradings run: threads on this machine, or the workers of a Dask cluster.

Both run ``grade_files`` on each submission's editable files (already read by the caller), with
the assignment the command resolved (a Dask worker resolves it once in the kit it unpacks), and
hand back a plain dict, so the results are the same wherever they were computed. A Dask worker
needs the ``autograder`` package and nothing else: the release and the tests travel with the job
(``autograder.grading.bundle``, sent once to every worker), so do the data sets the tests declare
(``requires(...)``, as found on the machine that runs the command), and each submission's files
with its task. Dask's workers are daemonic processes, which may not start children with
``multiprocessing``; grading starts its processes with ``subprocess``, which they may.

Each grading's numerical libraries get an equal part of the cores of the machine it runs on
(``autograder.runtime.threads``): with their own default, a thread per core in each process,
each of two HW1 gradings at once on a 2-core machine took 62 s instead of 8.6 s alone.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from autograder.assignment.paths import ResolvedAssignment, resolve_assignment
from autograder.data.catalog import CATALOG
from autograder.grading.bundle import pack, pack_data, unpack, unpack_data
from autograder.grading.errors import GradingError, GradingInterrupted
from autograder.grading.grade import grade_submission
from autograder.grading.requirements import declared_needs
from autograder.grading.run import stop_all
from autograder.runtime.threads import share

__all__ = ["Backend", "DaskBackend", "LocalBackend", "grade_files", "grade_packed", "host_slots"]

Job = tuple[str, tuple[Any, ...]]  # (student, (files, notes, fingerprints))
Collect = Callable[[str, dict[str, Any]], None]


class Backend(Protocol):
    """Runs ``grade_files`` for each job and hands each outcome to ``collect`` as it comes;
    ``needs``: what the tests need from the grading machine (``requires(...)``), or None when
    not known yet."""

    def run(
        self,
        resolved: ResolvedAssignment,
        jobs: list[Job],
        collect: Collect,
        *,
        needs: tuple[str, ...] | None = None,
    ) -> None: ...


def grade_files(
    resolved: ResolvedAssignment,
    files: dict[str, bytes],
    notes: list[str],
    fingerprints: dict[str, str],
    threads: int | None = None,
) -> dict[str, Any]:
    """Grade one submission's editable files (their fingerprints and the tests' as the class
    run computed them), its tests' numerical libraries held to ``threads`` threads (their
    default when None).

    Returns:
        ``{"results": results.json's content, "seconds": s}``; ``{"seconds": s}`` alone when
        grading was interrupted before any test ran; ``{"error": why, ...}`` when the tests
        could not run.
    """
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ag-class-") as tmp:
        target = Path(tmp) / "results.json"
        try:
            results = grade_submission(
                resolved,
                Path(tmp) / "submission",
                target,
                collected=(files, notes),
                fingerprints=fingerprints,
                threads=threads,
            )
        except GradingInterrupted:
            results = json.loads(target.read_text(encoding="utf-8"))
        except GradingError as exc:
            return {"error": str(exc), "seconds": time.monotonic() - start}
        except KeyboardInterrupt:
            return {"seconds": time.monotonic() - start}
    return {"results": results, "seconds": time.monotonic() - start}


class LocalBackend:
    """``jobs`` gradings at once in threads of this process (each grading runs in processes of
    its own, so threads are enough), each with ``threads`` threads for its numerical libraries
    (by default an equal part of this machine's cores)."""

    def __init__(self, jobs: int = 2, threads: int | None = None) -> None:
        self.jobs = max(1, jobs)
        self.threads = threads or share(self.jobs)

    def run(
        self,
        resolved: ResolvedAssignment,
        jobs: list[Job],
        collect: Collect,
        *,
        needs: tuple[str, ...] | None = None,  # this machine's data serve: nothing to send
    ) -> None:
        pool = ThreadPoolExecutor(max_workers=self.jobs)
        futures = {
            pool.submit(grade_files, resolved, *args, self.threads): student
            for student, args in jobs
        }
        seen = set()
        try:
            for future in as_completed(futures):
                seen.add(future)
                collect(futures[future], future.result())
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            while not all(f.done() for f in futures):  # end the gradings under way
                stop_all()
                time.sleep(0.1)
            for future, student in futures.items():
                if future in seen or future.cancelled() or future.exception() is not None:
                    continue
                collect(student, future.result())  # finished before it was stopped, or not
            raise
        finally:
            pool.shutdown(wait=True)


_UNPACKED: dict[str, Path] = {}
_RESOLVED: dict[str, ResolvedAssignment] = {}


def _unpacked_data(data: bytes, digest: str) -> None:
    """Unpack the data sets shipped with the job once per worker process, and make them the
    cache that this process's gradings search first (``$AUTOGRADER_DATA_DIR``)."""
    key = f"data:{digest}"
    if key not in _UNPACKED:
        root = unpack_data(data, Path(tempfile.mkdtemp(prefix="ag-data-")))
        atexit.register(shutil.rmtree, root.parent, True)
        _UNPACKED[key] = root
    os.environ["AUTOGRADER_DATA_DIR"] = str(_UNPACKED[key])


def grade_packed(
    bundle: bytes,
    digest: str,
    data: tuple[bytes, str],
    slots: dict[str, int],
    name: str,
    files: dict[str, bytes],
    notes: list[str],
    fingerprints: dict[str, str],
) -> dict[str, Any]:
    """``grade_files`` on a Dask worker: the kit comes as an archive of ``bundle.pack`` and the
    data sets as one of ``bundle.pack_data`` (with its digest), each unpacked once per worker
    process, where assignment ``name`` is resolved once; ``slots`` says how many gradings the
    cluster runs at once on each host, which share its cores."""
    from distributed import get_worker

    if digest not in _RESOLVED:
        _leave_nanny_environment()
        kit = unpack(bundle, Path(tempfile.mkdtemp(prefix="ag-kit-")))
        atexit.register(shutil.rmtree, kit, True)
        _RESOLVED[digest] = resolve_assignment(kit, name)
    _unpacked_data(*data)
    worker = get_worker()
    own = getattr(getattr(worker, "state", None), "nthreads", 1)  # a host that joined later
    threads = share(slots.get(worker.host, own))
    return grade_files(_RESOLVED[digest], files, notes, fingerprints, threads)


def _leave_nanny_environment() -> None:
    """Keep the settings Dask's nanny gives its worker process out of the gradings it starts.

    They tune the worker (``distributed.nanny.pre-spawn-environ``): ``MALLOC_TRIM_THRESHOLD_=
    65536`` made glibc hand memory back at every free in the tests' process and the worker,
    and a HW1 grading take 11.2 s instead of 8.5 s (Dask 1.44 times slower than the pool over
    a class of 40); the thread counts are set per grading anyway.
    """
    import dask

    for name in dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}:
        os.environ.pop(name, None)


def host_slots(client: Any) -> dict[str, int]:
    """How many tasks the cluster of ``client`` runs at once on each host: the threads of all
    the Dask workers there."""
    slots: dict[str, int] = {}
    for worker in client.scheduler_info()["workers"].values():
        slots[worker["host"]] = slots.get(worker["host"], 0) + int(worker.get("nthreads", 1))
    return slots


class DaskBackend:
    """The gradings as tasks of a Dask cluster: ``address`` of its scheduler
    (``tcp://host:8786``), or ``local`` for a ``LocalCluster`` of ``jobs`` single-threaded
    worker processes on this machine."""

    def __init__(self, address: str, jobs: int = 2) -> None:
        self.address = address
        self.jobs = max(1, jobs)

    @contextmanager
    def client(self) -> Iterator[Any]:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise GradingError(
                "--dask needs Dask's distributed package: pip install 'dlkit-autograder[class]'"
            ) from None
        if self.address != "local":
            with Client(self.address, timeout="30s") as client:
                yield client
            return
        with (
            LocalCluster(
                n_workers=self.jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client

    def run(
        self,
        resolved: ResolvedAssignment,
        jobs: list[Job],
        collect: Collect,
        *,
        needs: tuple[str, ...] | None = None,
    ) -> None:
        from distributed import as_completed as dask_completed

        data = pack(resolved)
        digest = hashlib.sha256(data).hexdigest()
        # the data sets its tests declare, as found here (grade_class has refused to start
        # where one is missing, unless told to go on)
        if needs is None:
            needs = tuple(declared_needs(resolved))
        needed, _ = pack_data([n for n in needs if n in CATALOG])
        with self.client() as client:
            bundle = client.scatter(data, broadcast=True)
            shipped = client.scatter((needed, hashlib.sha256(needed).hexdigest()), broadcast=True)
            slots = host_slots(client)
            futures = {
                client.submit(
                    grade_packed, bundle, digest, shipped, slots, resolved.name, *a, pure=False
                ): student
                for student, a in jobs
            }
            try:
                for future in dask_completed(list(futures)):
                    student = futures[future]
                    try:
                        outcome = future.result()
                    except Exception as exc:  # the worker could not run it: say why, go on
                        outcome = {"error": f"the Dask worker failed: {type(exc).__name__}: {exc}"}
                    collect(student, outcome)
            except KeyboardInterrupt:
                client.cancel(list(futures))
                raise
