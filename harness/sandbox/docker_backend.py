"""A pool of warm, locked-down containers, each running the trusted supervisor.

One request at a time per container, over the container's attached stdin/stdout.
Containers are created with ``stdin_once`` and ``auto_remove``: if this process dies
for any reason, Docker closes the container's stdin, the supervisor exits and the
container removes itself. Labels name the owner so leftovers can be reaped at start,
at exit, on Ctrl-C and by ``harness sandbox clean``.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import queue
import secrets
import socket
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from harness.errors import UserError
from harness.records import ExecResult, Job, Limits
from harness.sandbox import TREE_ROOT
from harness.sandbox.verdict import classify

LABEL = "harness.sandbox"
SANDBOX_UID = 10001
MAX_PENDING = 512 << 20  # bytes of one unterminated line we tolerate on the channel (steps reports are long)
HOST_GRACE_S = 10.0  # the supervisor enforces deadlines; we only back it up
TREE_TOOL = "/opt/harness/tree.py"
TREE_TIMEOUT_S = 60.0
# Statuses after which a container is not trusted for another job.
REPLACE_AFTER = {"timeout", "oom", "killed", "harness_error"}


class SandboxLost(Exception):
    """The container stopped answering or died."""


class PoolBroken(Exception):
    """The pool can run nothing more: the Docker engine went away, or a container could not be replaced."""


def connect():
    """A Docker client, or a UserError that says how to start the engine."""
    import docker

    try:
        client = docker.from_env(version="auto", timeout=120)
        client.ping()
        return client
    except docker.errors.DockerException:
        raise UserError(
            "Cannot reach a Docker engine; start one (e.g. `sudo dockerd &` or `sudo systemctl start docker`) "
            "or run the README's setup command."
        ) from None


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap(client, run_id: str | None = None, everything: bool = False) -> int:
    """Remove harness containers: of one run, or whose owning process is gone (or all)."""
    removed = 0
    # The low-level listing returns labels without inspecting each container, so one that
    # removes itself meanwhile (auto_remove) cannot break the sweep.
    for container in client.api.containers(all=True, filters={"label": LABEL}):
        labels = container.get("Labels") or {}
        host, _, pid = labels.get("harness.owner", "").rpartition(":")
        orphan = host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid))
        if everything or orphan or (run_id is not None and labels.get("harness.run") == run_id):
            try:
                client.api.remove_container(container["Id"], force=True)
                removed += 1
            except Exception:  # already gone (auto_remove) or being removed
                pass
    return removed


class Worker:
    """One container and the channel to its supervisor."""

    def __init__(self, client, image: str, limits: Limits, run_id: str, preload: tuple[str, ...] = ()):
        self.client = client
        mem = f"{limits.memory_mb}m"
        tmpfs_opts = f"rw,exec,nosuid,nodev,size={limits.tmpfs_mb}m"
        api = client.api
        host_config = api.create_host_config(
            auto_remove=True,
            network_mode="none",
            mem_limit=mem,
            memswap_limit=mem,
            pids_limit=limits.pids,
            nano_cpus=int(limits.cpus * 1e9),
            read_only=True,
            tmpfs={
                "/work": f"{tmpfs_opts},uid={SANDBOX_UID},gid={SANDBOX_UID},mode=700",
                "/tmp": f"{tmpfs_opts},mode=1777",
                # a job's tree: root's, so readable but not changeable by the sandbox user
                TREE_ROOT: f"rw,exec,nosuid,nodev,size={limits.tmpfs_mb}m,mode=755",
            },
            shm_size="16m",
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            init=True,
        )
        created = api.create_container(
            image,
            command=["python3", "-s", "/opt/harness/supervisor.py"],
            user=f"{SANDBOX_UID}:{SANDBOX_UID}",
            # With stdin open and detach unset the SDK also sets StdinOnce: when our
            # attach closes (this process died), the supervisor's stdin closes too.
            stdin_open=True,
            environment={
                "PYTHONHASHSEED": "0",
                "LANG": "C.UTF-8",
                "HOME": "/work",
                # standard-library modules the supervisor imports once, so every job's fork starts warm
                "HARNESS_PRELOAD": ",".join(preload),
            },
            labels={LABEL: "1", "harness.run": run_id, "harness.owner": _owner()},
            host_config=host_config,
        )
        self.container = client.containers.get(created["Id"])
        try:
            sock = client.api.attach_socket(
                self.container.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
            # Keep the SDK's wrapper alive: collecting it closes the connection under us.
            self._attach = sock
            self.sock: socket.socket = getattr(sock, "_sock", sock)
            self.container.start()
        except Exception:
            self.close()
            raise
        self.pending = bytearray()
        self.frames = bytearray()
        self.healthy = True
        self.info = self.request({"op": "hello"}, timeout=60)["hello"]

    def request(self, body: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one request; return the reply that carries its nonce."""
        nonce = secrets.token_hex(16)
        try:
            self.sock.sendall(nonce.encode() + b" " + json.dumps(body).encode() + b"\n")
        except OSError as exc:
            raise SandboxLost(f"cannot write to the sandbox: {exc}") from None
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self.pending:
                line, _, rest = bytes(self.pending).partition(b"\n")
                self.pending = bytearray(rest)
                reply = _parse(line)
                if reply is not None and reply.get("nonce") == nonce:
                    return reply
            self._receive(deadline)

    def _receive(self, deadline: float) -> None:
        """Read stdout data from the multiplexed attach stream into ``pending``."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise SandboxLost("the sandbox did not answer in time")
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(1 << 16)
        except TimeoutError:
            raise SandboxLost("the sandbox did not answer in time") from None
        except OSError as exc:
            raise SandboxLost(f"lost the sandbox: {exc}") from None
        if not data:
            raise SandboxLost("the sandbox supervisor is gone")
        self.frames += data
        while len(self.frames) >= 8:
            stream, size = self.frames[0], struct.unpack(">I", self.frames[4:8])[0]
            if len(self.frames) < 8 + size:
                break
            if stream == 1:
                self.pending += self.frames[8 : 8 + size]
            del self.frames[: 8 + size]
        if len(self.pending) > MAX_PENDING and b"\n" not in self.pending:
            self.pending.clear()

    def run(self, job: Job, limits: Limits) -> ExecResult:
        payload = {"op": "run", "job": _job_payload(job, limits)}
        if job.tree:
            files = [[f.path, f.mode, base64.b64encode(f.data).decode("ascii")] for f in job.tree]
            self._tree("put", json.dumps({"files": files}).encode())
        raw = self.request(payload, timeout=(job.timeout_s or limits.job_timeout_s) + HOST_GRACE_S)["result"]
        result = classify(job, raw)
        self.healthy = result.status not in REPLACE_AFTER and raw.get("clean", False)
        if job.tree:
            self._tree("clear")
        return result

    def _tree(self, command: str, data: bytes = b"") -> None:
        """Run the image's tree tool as root (without capabilities) to place or remove a job's tree."""
        api = self.client.api
        try:
            exec_id = api.exec_create(
                self.container.id, ["python3", "-I", TREE_TOOL, command], stdin=True, user="0", workdir="/"
            )["Id"]
            sock = api.exec_start(exec_id, socket=True)
            raw: socket.socket = getattr(sock, "_sock", sock)
            raw.settimeout(TREE_TIMEOUT_S)
            raw.sendall(data)
            raw.shutdown(socket.SHUT_WR)
            output = bytearray()
            while chunk := raw.recv(1 << 16):
                output += chunk
            sock.close()
            code = api.exec_inspect(exec_id)["ExitCode"]
        except Exception as exc:
            raise SandboxLost(f"could not {command} the job's tree: {type(exc).__name__}: {exc}") from None
        if code != 0:
            self.healthy = False
            message = bytes(output[8:]).decode("utf-8", "replace").strip()
            raise SandboxLost(f"could not {command} the job's tree: {message[:300]}")

    def close(self) -> None:
        try:
            self.sock.close()
        except Exception:
            pass
        try:
            self.container.remove(force=True)
        except Exception:  # auto_remove may have beaten us to it
            pass


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        reply = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return reply if isinstance(reply, dict) else None


def _job_payload(job: Job, limits: Limits) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": job.kind,
        "files": job.files,
        "limits": {
            "load_timeout_s": limits.load_timeout_s,
            "test_timeout_s": limits.test_timeout_s,
            "job_timeout_s": limits.job_timeout_s,
            "output_bytes": limits.output_bytes,
        },
        "timeout_s": job.timeout_s,
    }
    if job.kind == "python":
        body.update(code=job.code, setup=job.setup, probes=[t.probe for t in job.tests])
    elif job.kind == "steps":
        steps = [dataclasses.asdict(step) for step in job.steps]
        body.update(code=job.code, driver=job.driver, steps=steps, stop_on_failure=job.stop_on_failure)
        body.update(collect=list(job.collect), verify=[f"{TREE_ROOT}/{f.path}" for f in job.tree])
    else:
        body.update(argv=job.argv, stdin=job.stdin)
    return body


class SandboxPool:
    """A fixed number of warm workers; ``run`` is safe to call from many threads.

    When the engine goes away (or a container cannot be replaced) the pool breaks: every
    ``run``, waiting or not, raises PoolBroken instead of blocking on a worker that never comes back.
    """

    def __init__(self, client, image: str, workers: int, limits: Limits, run_id: str, preload: tuple[str, ...] = ()):
        self.client, self.image, self.limits, self.run_id = client, image, limits, run_id
        self.preload = preload
        self.size = workers
        self.idle: queue.Queue[Worker | None] = queue.Queue()  # None: the pool broke (see _take)
        self.all: set[Worker] = set()
        self.lock = threading.Lock()
        self.closed = False
        self.broken: str | None = None  # why the pool broke

    def __enter__(self) -> SandboxPool:
        return self.start()

    def start(self) -> SandboxPool:
        """Reap orphans of dead harness processes, then start every worker (in parallel)."""
        reap(self.client)
        with ThreadPoolExecutor(self.size) as ex:
            for worker in ex.map(lambda _: self._spawn(), range(self.size)):
                self.idle.put(worker)
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _spawn(self) -> Worker:
        worker = Worker(self.client, self.image, self.limits, self.run_id, self.preload)
        with self.lock:
            self.all.add(worker)
        return worker

    def _retire(self, worker: Worker) -> None:
        with self.lock:
            self.all.discard(worker)
        worker.close()

    def _take(self) -> Worker:
        if self.broken is None:
            worker = self.idle.get()
            if worker is not None:
                return worker
            self.idle.put(None)  # pass the wake-up on to the next waiter
        raise PoolBroken(self.broken)

    def _break(self, why: str) -> PoolBroken:
        with self.lock:
            if self.broken is None:
                self.broken = why
                self.idle.put(None)  # wakes one waiter, which wakes the next (_take)
        return PoolBroken(self.broken)

    def _engine_alive(self) -> bool:
        try:
            self.client.ping()
            return True
        except Exception:
            return False

    def run(self, job: Job) -> ExecResult:
        """Run one job on an idle container, replacing the container if it misbehaved."""
        worker = self._take()
        try:
            result = worker.run(job, self.limits)
        except SandboxLost as exc:
            worker.healthy = False
            if not self._engine_alive():
                # The engine took the channel down, not the candidate: there is no verdict to record.
                self._retire(worker)
                raise self._break("the Docker engine stopped answering") from None
            result = _lost_result(str(exc))
        except BaseException:
            self._give_back(worker)
            raise
        self._give_back(worker)
        return result

    def _give_back(self, worker: Worker) -> None:
        """Return a worker to the idle queue, replaced first if it is not trusted any more."""
        if worker.healthy or self.closed:
            self.idle.put(worker)
            return
        self._retire(worker)
        if self.broken is not None:
            return
        try:
            replacement = self._spawn()
        except Exception as exc:
            # Without a replacement a waiter would wait forever: break the pool (this job's verdict stands).
            if self._engine_alive():
                self._break(f"a sandbox container could not be started ({type(exc).__name__}: {str(exc)[:200]})")
            else:
                self._break("the Docker engine stopped answering")
            return
        self.idle.put(replacement)

    def info(self) -> dict[str, Any]:
        worker = self._take()
        try:
            return dict(worker.info)
        finally:
            self.idle.put(worker)

    def close(self) -> None:
        self.closed = True
        with self.lock:
            workers = list(self.all)
            self.all.clear()
        with ThreadPoolExecutor(max(1, len(workers))) as ex:
            list(ex.map(Worker.close, workers))
        try:
            reap(self.client, run_id=self.run_id)
        except Exception:
            if self.broken is None:
                raise
            # no engine to ask: its containers lose their stdin and remove themselves, or `sandbox clean` does


def _lost_result(why: str) -> ExecResult:
    # The supervisor vanished mid-job: only the candidate can kill it (same uid, and
    # the host never does), so this is the candidate's doing, not a harness fault.
    if "did not answer" in why:
        return ExecResult("timeout", f"{why}; container replaced")
    return ExecResult("killed", f"{why}; container replaced")


class SandboxPools:
    """One pool per sandbox image a task's jobs name (``Job.image``), each with its own limits.
    The first image's pool starts with ``start``; the others start on their first job, so a run
    over one language never starts the other languages' containers."""

    def __init__(self, client, images: dict[str, tuple[str, Limits]], workers: int, run_id: str, preload=()):
        self.pools = {
            name: SandboxPool(client, tag, workers, limits, run_id, preload) for name, (tag, limits) in images.items()
        }
        self.started: set[str] = set()
        self.lock = threading.Lock()

    def start(self) -> SandboxPools:
        self._started(next(iter(self.pools)))
        return self

    def _started(self, name: str) -> SandboxPool:
        if name not in self.pools:
            raise ValueError(f"no sandbox image {name!r} in this run")
        with self.lock:
            if name not in self.started:
                self.pools[name].start()
                self.started.add(name)
        return self.pools[name]

    def run(self, job: Job) -> ExecResult:
        return self._started(job.image).run(job)

    def info(self) -> dict[str, Any]:
        return self._started(next(iter(self.pools))).info()

    def close(self) -> None:
        errors = []
        for pool in self.pools.values():
            try:
                pool.close()
            except Exception as exc:  # close every pool, then report
                errors.append(exc)
        if errors:
            raise errors[0]
