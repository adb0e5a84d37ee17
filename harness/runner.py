"""The runner: rounds of generate -> extract -> execute -> judge, with resume and progress.

Each round asks every unfinished sample for its next request, generates them in
batches, and runs the candidates on the sandbox pool while the next batch is being
generated. A sample is appended to samples.jsonl the moment its last turn is judged.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import platform
import queue
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from harness import __version__
from harness.errors import UserError
from harness.generators import GeneratorOptions, get_generator
from harness.records import NO_REPLY, Limits, Request, SampleRecord, TurnRecord, to_dict
from harness.results import aggregate
from harness.scoring.passk import ks_for
from harness.scoring.static import static_metrics
from harness.store import RunStore, config_hash
from harness.tasks import TaskOptions, get_task

RUN_SCHEMA_VERSION = 1
T = TypeVar("T")


@dataclass(frozen=True)
class EvalOptions:
    """Everything ``harness eval`` was asked to do."""

    task: str
    generator: str
    task_options: TaskOptions = field(default_factory=TaskOptions)
    generator_options: GeneratorOptions = field(default_factory=GeneratorOptions)
    n: int = 1
    limit: int | None = None
    ids: list[str] | None = None
    seed: int = 0
    workers: int = 2
    batch_size: int = 16
    out: Path = Path("runs")
    limits: Limits = field(default_factory=Limits)
    base_image: str | None = None

    def to_json(self) -> dict[str, Any]:
        return json_ready(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EvalOptions:
        def path(value: str | None) -> Path | None:
            return None if value is None else Path(value)

        t = data["task_options"]
        # run.json files from before GeneratorOptions lost its unused ``seed`` still resume (EvalOptions.seed rules)
        g = {k: v for k, v in data["generator_options"].items() if k != "seed"}
        return cls(
            **{k: v for k, v in data.items() if k not in ("task_options", "generator_options", "out", "limits")},
            task_options=TaskOptions(**{**t, "data": path(t["data"])}),
            generator_options=GeneratorOptions(
                **{
                    **g,
                    "samples": path(g["samples"]),
                    "stop": tuple(g["stop"]),
                    "layers": tuple(tuple(c) for c in g.get("layers", ())),
                }
            ),
            out=Path(data["out"]),
            limits=Limits(**data["limits"]),
        )


def json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return str(value) if isinstance(value, Path) else value


def _git() -> dict[str, Any]:
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True)
    except OSError:
        return {"commit": None, "dirty": None}
    if commit.returncode != 0:
        return {"commit": None, "dirty": None}
    return {"commit": commit.stdout.strip(), "dirty": bool(dirty.stdout.strip())}


def resumed(previous: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """run.json of a resumed run: how the run began (when, command, machine, harness, options, workers)
    stays as it was, and this session is appended to ``resumes``."""
    this = {"at": current["created_at"], **{k: current[k] for k in ("command", "machine", "harness")}}
    run = {**current, **{k: previous[k] for k in ("created_at", "command", "machine", "harness", "options")}}
    run["sandbox"] = {**current["sandbox"], "workers": previous["sandbox"]["workers"]}
    run["resumes"] = [*previous.get("resumes", []), {**this, "workers": current["sandbox"]["workers"]}]
    return run


def select_problems(problems: list[Any], ids: list[str] | None, limit: int | None) -> list[Any]:
    if ids:
        known = {p.id: p for p in problems}
        missing = [i for i in ids if i not in known]
        if missing:
            raise UserError(f"Unknown problem id(s) in this split: {', '.join(missing[:10])}.")
        problems = [known[i] for i in dict.fromkeys(ids)]
    return problems[:limit] if limit else problems


def sample_seed(seed: int, problem_id: str, sample_index: int) -> int:
    """A per-sample seed that does not depend on order, batching or resume."""
    digest = hashlib.sha256(f"{seed}:{problem_id}:{sample_index}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


class Progress:
    """A rich progress bar on a terminal; silence otherwise."""

    def __init__(self, total: int, done: int, label: str, enabled: bool):
        self.bar = None
        self.passed = 0
        if enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                transient=False,
            )
            self.label = label
            self.task = self.bar.add_task(label, total=total, completed=done, rate="")
            self.start, self.first = time.monotonic(), done
            self.bar.start()

    def advance(self, passed: bool) -> None:
        self.passed += passed
        if self.bar is not None:
            done = self.bar.tasks[0].completed + 1 - self.first
            rate = done / max(time.monotonic() - self.start, 1e-9)
            self.bar.update(
                self.task, advance=1, description=f"{self.label} pass {self.passed}", rate=f"{rate:.1f} samples/s"
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


class Evaluation:
    """One run: set up task, generator, sandbox and store; then execute the rounds."""

    def __init__(self, options: EvalOptions, resume: Path | None = None, log: Callable[[str], None] = print):
        self.options, self.log = options, log
        self.task = get_task(options.task)(options.task_options)
        self.task.limits = options.limits  # tasks that build their own jobs size them from the run's limits
        if options.task_options.from_run is not None and not self.task.accepts_from_run:
            raise UserError(f"--from-run is for lcb-self-repair; {options.task} does not read an earlier run.")
        if options.generator == "reference" and self.task.no_reference:
            raise UserError(self.task.no_reference)
        self.generator = get_generator(options.generator)(options.generator_options)
        from harness.sandbox.docker_backend import SandboxPools, connect
        from harness.sandbox.image import DEFAULT_BASE, ensure_image, image_exists, image_id

        # The data loads while Docker is reached and the containers start (start-up is a
        # fixed cost of every run), but a mistake in the data is reported before Docker's.
        loading = _in_thread(lambda: select_problems(self.task.load(), options.ids, options.limit))
        try:
            self.client = connect()
            base = options.base_image or DEFAULT_BASE
            sandboxes = self.task.sandboxes()
            if not all(image_exists(self.client, base, name) for name in sandboxes):
                loading.result()  # do not build an image for a run that cannot start
            self.images = {name: ensure_image(self.client, base, log, name) for name in sandboxes}
            self.image = next(iter(self.images.values()))
        except UserError:
            loading.result()
            raise
        previous = RunStore.open(resume).read_run() if resume is not None else None
        if previous is not None:
            run_id = previous["run_id"]
        else:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            run_id = f"{stamp}-{options.task}-{options.generator}-{secrets.token_hex(3)}"
        preload = self.task.sandbox_preload
        images = {name: (self.images[name], limits) for name, limits in sandboxes.items()}
        self.pool = SandboxPools(self.client, images, options.workers, run_id, preload)
        self.pool_ready = _in_thread(self.pool.start)
        try:
            self.problems = {p.id: p for p in loading.result()}
            self.run = self._describe(base, {name: image_id(self.client, tag) for name, tag in self.images.items()})
            self.run["run_id"] = run_id
            if previous is None:
                self.store = RunStore.create(options.out, run_id, self.run)
            else:
                if previous["config_hash"] != self.run["config_hash"]:
                    raise UserError(
                        f"Cannot resume {resume}: its configuration (data, prompt, generator, image or limits) "
                        "differs from what this harness would run now."
                    )
                self.run = resumed(previous, self.run)
                self.store = RunStore.open(resume)
                self.store.write_run(self.run)
        except BaseException:
            self._close_pool()
            raise

    def _close_pool(self) -> None:
        try:
            self.pool_ready.result()
        finally:
            self.pool.close()

    def _describe(self, base: str, image_ids: dict[str, str]) -> dict[str, Any]:
        o = self.options
        task_config, generator_config = self.task.config(), self.generator.config()
        task_config["num_problems"] = len(self.problems)
        task_config["problem_ids"] = list(self.problems)
        sandbox: dict[str, Any] = {
            "backend": "docker",
            "image": self.image,
            "image_id": next(iter(image_ids.values())),
            "base": base,
            "limits": to_dict(o.limits),
        }
        if len(self.images) > 1:  # a task with one image per language records each: limits, toolchain
            from harness.sandbox.image import toolchain_info

            sandbox["images"] = {
                name: {
                    "tag": tag,
                    "image_id": image_ids[name],
                    "limits": to_dict(limits),
                    "toolchain": toolchain_info(self.client, tag),
                }
                for (name, tag), limits in zip(self.images.items(), self.task.sandboxes().values(), strict=True)
            }
        evaluation = {"n": o.n, "seed": o.seed, "ks": ks_for(o.n), "conditions": self.generator.conditions()}
        identity = {
            "harness": __version__,
            "task": task_config,
            "generator": generator_config,
            "eval": evaluation,
            "sandbox": sandbox,
        }
        return {
            "schema_version": RUN_SCHEMA_VERSION,
            "run_id": None,
            "config_hash": config_hash(identity),
            "status": "running",
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "finished_at": None,
            "command": ["harness", *sys.argv[1:]],
            "harness": {"version": __version__, **_git()},
            "task": task_config,
            "generator": generator_config,
            "eval": evaluation,
            "sandbox": {**sandbox, "workers": o.workers},
            "machine": {
                "hostname": socket.gethostname(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
            },
            "options": o.to_json(),
        }

    # -- execution

    def execute(self, show_progress: bool) -> Path:
        """Run every unfinished sample; write results.json; return the run directory."""
        from harness.sandbox.docker_backend import PoolBroken

        done = {r.key for r in self.store.samples(repair=True)}
        # a problem's conditions sit side by side, so they share batches (and the NIR thinking trace)
        units = [
            (pid, s, c)
            for pid in self.problems
            for s in range(self.options.n)
            for c in self.generator.conditions()
            if (pid, s, c) not in done
        ]
        label = f"{self.options.task} · {self.options.generator}"
        progress = Progress(len(done) + len(units), len(done), label, show_progress)
        self.generator.plan(units)
        executor = ThreadPoolExecutor(self.options.workers)
        try:
            pool = self.pool_ready.result()
            self.run["sandbox"]["python"] = pool.info().get("python")
            self.store.write_run(self.run)
            self._rounds(units, pool, executor, progress)
        except PoolBroken as exc:
            # The samples finished so far are saved whole; the ones in flight rerun on --resume.
            root, saved = self.store.root, len(self.store.samples())
            raise UserError(
                f"The sandbox stopped mid-run ({exc}); {saved} of {len(done) + len(units)} samples are saved "
                f"in {root}; once Docker runs again, continue with `harness eval --resume {root}`."
            ) from None
        finally:
            self._close_pool()
            executor.shutdown(wait=False, cancel_futures=True)
            progress.close()
            self.store.close()
        records = self.store.samples()
        self.store.write_results(aggregate(self.run, records))
        self.run.update(status="complete", finished_at=datetime.now(UTC).isoformat(timespec="seconds"))
        self.store.write_run(self.run)
        return self.store.root

    def _rounds(self, units, pool, executor: ThreadPoolExecutor, progress: Progress) -> None:
        turns = {u: self.task.prior_turns(self.problems[u[0]], u[1]) for u in units}
        started = {u: time.monotonic() for u in units}
        pending: dict[Future, Request] = {}
        finished: queue.SimpleQueue[Future] = queue.SimpleQueue()
        waiting = []
        for unit in units:
            if (request := self._next_request(unit, turns[unit])) is not None:
                waiting.append(request)
            elif turns[unit]:  # its prior turns finish it already (a self-repair sample that passed)
                self._finish(unit, turns, started, progress)
        while waiting or pending:
            requests, waiting = waiting, []
            for batch in _chunks(requests, self.options.batch_size):
                for request, generation in zip(batch, self.generator.generate(batch), strict=True):
                    key = (request.problem_id, request.sample_index, request.condition)
                    if generation.extras.get(NO_REPLY):  # stored replies ended: the sample ends with its last turn
                        self._finish(key, turns, started, progress)
                        continue
                    future = executor.submit(self._turn, pool, request, generation, list(turns[key]))
                    pending[future] = request
                    future.add_done_callback(finished.put)
                waiting += self._collect(finished, pending, turns, started, progress, block=False)
            while pending and not waiting:
                waiting += self._collect(finished, pending, turns, started, progress, block=True)

    def _next_request(self, key: tuple[str, int, str], turns: list[TurnRecord]) -> Request | None:
        """The task's next request for a sample, with the sample's own seed; None when it is done.

        The seed does not depend on the condition, so the conditions of a sample differ only
        in what the condition changes."""
        problem_id, sample_index, condition = key
        request = self.task.request(self.problems[problem_id], sample_index, turns)
        if request is None:
            return None
        seed = sample_seed(self.options.seed, problem_id, sample_index)
        return dataclasses.replace(request, seed=seed, condition=condition)

    def _collect(self, finished, pending, turns, started, progress, block: bool) -> list[Request]:
        """Record finished turns; return the next requests of samples that want another turn."""
        again = []
        while pending:
            try:
                future = finished.get(block=block)
            except queue.Empty:
                break
            block = False
            request = pending.pop(future)
            key = (request.problem_id, request.sample_index, request.condition)
            turns[key].append(future.result())
            follow_up = self._next_request(key, turns[key])
            if follow_up is not None:
                again.append(follow_up)
                continue
            self._finish(key, turns, started, progress)
        return again

    def _finish(self, key: tuple[str, int, str], turns, started, progress: Progress) -> None:
        """Append a finished sample to samples.jsonl; its verdict is its last turn's."""
        last = turns[key][-1].result
        record = SampleRecord(
            problem_id=key[0],
            sample_index=key[1],
            status=last.status,
            passed=last.passed,
            turns=turns.pop(key),
            seconds=round(time.monotonic() - started.pop(key), 4),
            condition=key[2],
        )
        self.store.append(record)
        progress.advance(record.passed)

    def _turn(self, pool, request: Request, generation, prior: list[TurnRecord]) -> TurnRecord:
        """Extract the candidate from one generation and run it (in a worker thread)."""
        problem = self.problems[request.problem_id]
        answer = generation.answer(request.prefill)
        candidate, result = self.task.evaluate(problem, answer, pool, prior)
        static = None
        if candidate is not None and self.task.candidate_kind == "code":
            static = static_metrics(self.task.source_of(problem, candidate), self.task.language_of(problem))
        return TurnRecord(request.messages, request.prefill, generation, candidate, result, static)


def _in_thread(fn: Callable[[], T]) -> Future[T]:
    """Run ``fn`` in a thread of its own that ends with it (the executor is shut down at once, not left idle)."""
    executor = ThreadPoolExecutor(1)
    try:
        return executor.submit(fn)
    finally:
        executor.shutdown(wait=False)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
