"""Trusted supervisor: runs inside every sandbox container, never runs candidate code itself.

The host writes one request per line on stdin, as ``<nonce> <json>``. The reply is
written to stdout as ``\\n<json>\\n`` carrying the same nonce. Candidate code runs in
a child that was forked *before* the request was read, so the child's memory never
holds the nonce: a candidate that reaches the container's stdout (for instance via
/proc/1/fd/1, the init process) cannot forge a reply the host will accept. The
supervisor itself is marked non-dumpable, so the candidate (same uid) cannot open its
/proc entries, read its memory or ptrace it.

Per job: write files, hand the spec to the pre-forked child, enforce the per-test and
per-job deadlines from out here, drain output with a cap, then kill every other
process of the sandbox user and wipe the writable directories before replying.

This file must only use the standard library of the image's Python.
"""

import ctypes
import hashlib
import json
import math
import os
import resource
import select
import shutil
import signal
import stat
import sys
import time

VERSION = 1
WORK = "/work"
WIPE_DIRS = ("/work", "/tmp", "/dev/shm")
RESULT_FD = 3
PR_SET_DUMPABLE = 4
OOM_FILES = (
    "/sys/fs/cgroup/memory.events",  # cgroup v2
    "/sys/fs/cgroup/memory/memory.oom_control",  # cgroup v1
)
MAX_VALUE_NODES = 200_000
MAX_EVENT_BYTES = 64 << 20  # what one step may report on its event channel
MAX_COLLECT_BYTES = 4 << 20  # of one report file a steps job collects
MAX_DEPTH = 100


# --------------------------------------------------------------------------- host I/O


def write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def reply(obj):
    # Leading newline: whatever partial line a candidate managed to write to the shared
    # stdout before us is terminated, so our line always parses on the host.
    write_all(1, b"\n" + json.dumps(obj).encode() + b"\n")


def read_requests():
    buf = b""
    while True:
        chunk = os.read(0, 1 << 16)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if line.strip():
                yield line


# --------------------------------------------------------------------------- system state


def oom_kills():
    """Kernel OOM-kill counter of this container's memory cgroup (-1 when unknown)."""
    for path in OOM_FILES:
        try:
            with open(path) as f:
                for line in f:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except OSError:
            continue
    return -1


def other_pids():
    """Live processes other than init and us (zombies excluded: init reaps them)."""
    me = os.getpid()
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (1, me):
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in ("Z", "X"):
            pids.append(int(name))
    return pids


def reap_children():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_all():
    """SIGKILL every process we may signal except init and ourselves; True if none is left."""
    for _ in range(200):
        try:
            os.kill(-1, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        reap_children()
        if not other_pids():
            return True
        time.sleep(0.005)
    return False


def _force_remove(func, path, _exc):
    try:
        os.chmod(os.path.dirname(path) or "/", 0o700)
        os.chmod(path, 0o700)
    except OSError:
        pass
    func(path)


def wipe():
    """Empty every writable directory; True if all of them are empty afterwards."""
    clean = True
    for root in WIPE_DIRS:
        try:
            os.chmod(root, 0o700)  # only the work dir is ours; the others stay root's
        except OSError:
            pass
        try:
            entries = list(os.scandir(root))
        except OSError:
            clean = False
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    os.chmod(entry.path, 0o700)
                    shutil.rmtree(entry.path, onerror=_force_remove)
                else:
                    os.unlink(entry.path)
            except OSError:
                clean = False
        try:
            if os.listdir(root):
                clean = False
        except OSError:
            pass
    return clean


# --------------------------------------------------------------------------- output capture


class Capture:
    """Keeps the head and the tail of a stream, counting every byte."""

    def __init__(self, limit):
        self.half = max(1, limit // 2)
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def feed(self, data):
        self.total += len(data)
        room = self.half - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail += data
            if len(self.tail) > self.half:
                del self.tail[: len(self.tail) - self.half]

    def result(self):
        truncated = self.total > len(self.head) + len(self.tail)
        text = self.head.decode("utf-8", "replace")
        if truncated:
            omitted = self.total - len(self.head) - len(self.tail)
            text += f"\n[... {omitted} bytes omitted ...]\n"
        text += self.tail.decode("utf-8", "replace")
        return {"text": text, "bytes": self.total, "truncated": truncated}


# --------------------------------------------------------------------------- the child


class Unserializable(Exception):
    pass


def encode(value):
    """Tagged JSON for exact builtin values; subclasses are read through the base type's
    own methods, so an overridden __eq__, __iter__ or __repr__ never runs here."""
    budget = [MAX_VALUE_NODES]

    def enc(v, depth):
        budget[0] -= 1
        if budget[0] < 0:
            raise Unserializable("value too large")
        if depth > MAX_DEPTH:
            raise Unserializable("value nested too deeply")
        if v is None or v is True or v is False:
            return v
        if isinstance(v, int):
            return {"t": "int", "v": hex(int.__index__(v))}
        if isinstance(v, float):
            return {"t": "float", "v": float.__repr__(v)}
        if isinstance(v, complex):
            return {
                "t": "complex",
                "v": [float.__repr__(complex.real.__get__(v)), float.__repr__(complex.imag.__get__(v))],
            }
        if isinstance(v, str):
            return {"t": "str", "v": str.__str__(v)}
        if isinstance(v, (bytes, bytearray)):
            tag = "bytes" if isinstance(v, bytes) else "bytearray"
            return {"t": tag, "v": bytes.hex(bytes(memoryview(v)))}
        for base, tag in ((list, "list"), (tuple, "tuple"), (set, "set"), (frozenset, "frozenset")):
            if isinstance(v, base):
                return {"t": tag, "v": [enc(x, depth + 1) for x in base.__iter__(v)]}
        if isinstance(v, dict):
            return {"t": "dict", "v": [[enc(k, depth + 1), enc(x, depth + 1)] for k, x in dict.items(v)]}
        decimal = sys.modules.get("decimal")
        if decimal is not None and type(v) is decimal.Decimal:
            return {"t": "decimal", "v": decimal.Decimal.__str__(v)}
        fractions = sys.modules.get("fractions")
        if fractions is not None and type(v) is fractions.Fraction:
            return {"t": "fraction", "v": [hex(v.numerator), hex(v.denominator)]}
        raise Unserializable(f"a value of type {type(v).__name__} cannot be compared safely")

    return enc(value, 0)


def describe(exc):
    try:
        text = str(exc)
    except BaseException:
        text = "<unprintable>"
    return {"type": type(exc).__name__, "message": text[:500]}


def run_python(spec, emit):
    """Load the candidate, run the setup, evaluate each probe; report events on fd 3."""
    try:
        code = compile(spec["code"], "solution.py", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
        emit({"event": "syntax_error", "error": describe(exc)})
        return
    namespace = {"__name__": "solution", "__builtins__": __builtins__}
    stages = [("load", code)]
    if spec.get("setup"):
        stages.append(("setup", compile(spec["setup"], "setup.py", "exec")))
    for stage, compiled in stages:
        emit({"event": "start", "stage": stage})
        try:
            exec(compiled, namespace)
        except SystemExit:
            emit({"event": "exited", "stage": stage})
            return
        except BaseException as exc:
            emit({"event": "raised", "stage": stage, "error": describe(exc)})
            return
    for index, probe in enumerate(spec["probes"]):
        expression = compile(probe, f"test_{index}", "eval")
        emit({"event": "start", "stage": "test", "index": index})
        try:
            value = eval(expression, namespace)
        except SystemExit:
            emit({"event": "exited", "stage": "test", "index": index})
            return
        except BaseException as exc:
            emit({"event": "raised", "stage": "test", "index": index, "error": describe(exc)})
            continue
        try:
            emit({"event": "value", "index": index, "value": encode(value)})
        except (Unserializable, RecursionError, ValueError, TypeError, MemoryError) as exc:
            emit({"event": "unserializable", "index": index, "error": describe(exc)})
    emit({"event": "done"})


# --------------------------------------------------------------------------- steps jobs


def drain(fd, take):
    """Hand what is left in a pipe to ``take``, chunk by chunk, without blocking."""
    os.set_blocking(fd, False)
    while True:
        try:
            data = os.read(fd, 1 << 16)
        except BlockingIOError:
            return
        if not data:
            return
        take(data)


def other_pids_except(keep):
    return [pid for pid in other_pids() if pid not in keep]


def kill_strays(keep):
    """SIGKILL every live process but init, the supervisor and the pids in ``keep``."""
    for _ in range(100):
        strays = other_pids_except(keep)
        if not strays:
            return
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.002)


def step_child(step, run, state, fds):
    """In the forked process of one step: set limits and streams, then exec or run."""
    stdin_fd, out_w, err_w, ev_w = fds
    os.setpgid(0, 0)
    cpu = step.get("cpu_s")
    if cpu:
        soft = max(1, math.ceil(cpu))
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
    keep = [os.dup(fd) for fd in (stdin_fd, out_w, err_w, ev_w)]
    for target, fd in zip((0, 1, 2, RESULT_FD), keep, strict=True):
        os.dup2(fd, target)
    os.closerange(4, 4096)
    env = dict(os.environ, **(step.get("env") or {}))
    if step.get("cwd"):
        os.chdir(step["cwd"])
    if step.get("argv"):
        os.close(RESULT_FD)  # a command reports nothing: what it runs must not write events
        os.execvpe(step["argv"][0], step["argv"], env)
    os.environ.update(step.get("env") or {})
    # Fresh standard streams over the step's own fds, as a new interpreter would have.
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)

    def emit(obj):
        write_all(RESULT_FD, json.dumps(obj).encode() + b"\n")

    code = 0
    try:
        code = run(step, state, emit) or 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException as exc:
        emit({"event": "driver_error", "error": describe(exc)})
        code = 70
    # Exit as an interpreter would: wait for non-daemon threads, run atexit handlers.
    try:
        threading = sys.modules.get("threading")
        if threading is not None:
            threading._shutdown()
        import atexit

        atexit._run_exitfuncs()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else code
    except BaseException:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(code & 0xFF)


def run_step(step, run, state):
    """Run one step in a fresh process; wall deadline and CPU limit enforced from here."""
    out, err = Capture(step["output_bytes"]), Capture(step["output_bytes"])
    stdin_fd = os.memfd_create("stdin")
    write_all(stdin_fd, step.get("stdin", "").encode("utf-8", "surrogateescape"))
    os.lseek(stdin_fd, 0, os.SEEK_SET)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    ev_r, ev_w = os.pipe()
    oom_before = oom_kills()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            step_child(step, run, state, (stdin_fd, out_w, err_w, ev_w))
        except BaseException:
            pass
        os._exit(70)
    for fd in (stdin_fd, out_w, err_w, ev_w):
        os.close(fd)
    pidfd = os.pidfd_open(pid)
    deadline = started + step["timeout_s"]
    events_buf = bytearray()

    def take_event(data):  # what a step reports beyond the cap is cut (and flagged below)
        events_buf.extend(data[: max(0, MAX_EVENT_BYTES - len(events_buf))])

    timed_out = exited = False
    fds = [out_r, err_r, ev_r, pidfd]
    while not exited:
        now = time.monotonic()
        if now >= deadline:
            timed_out = True
            break
        ready, _, _ = select.select(fds, [], [], deadline - now)
        for fd in ready:
            if fd == pidfd:
                exited = True
                continue
            data = os.read(fd, 1 << 16)
            if not data:
                fds.remove(fd)
            elif fd == out_r:
                out.feed(data)
            elif fd == err_r:
                err.feed(data)
            else:
                take_event(data)
    wall = time.monotonic() - started
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    _, status, usage = os.wait4(pid, 0)
    kill_strays({os.getppid()})  # not the supervisor (other_pids already spares us)
    drain(out_r, out.feed)
    drain(err_r, err.feed)
    drain(ev_r, take_event)
    for fd in (out_r, err_r, ev_r):
        os.close(fd)
    os.close(pidfd)
    events, tampered = parse_events(events_buf)
    tampered = tampered or len(events_buf) >= MAX_EVENT_BYTES
    return {
        "events": events,
        "tampered": tampered,
        "timed_out": timed_out,
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "oom": oom_before >= 0 and oom_kills() > oom_before,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "wall_s": wall,
        "stdout": out.result(),
        "stderr": err.result(),
    }


def run_steps(spec, emit):
    """Load the task's driver (trusted host code), then run each step in its own process."""
    # The driver API: prepare(job) -> state (runs here, never candidate code), and
    # run(step, state, emit) in each step's fresh process; encode/describe are lent.
    # A job of commands only (every step an argv) needs no driver.
    namespace = {"__name__": "harness_driver", "__builtins__": __builtins__, "encode": encode, "describe": describe}
    namespace.update(prepare=lambda spec: None, run=None)
    try:
        exec(compile(spec.get("driver") or "", "driver.py", "exec"), namespace)
        state = namespace["prepare"](spec)
    except BaseException as exc:
        emit({"event": "driver_error", "error": describe(exc)})
        return
    run = namespace["run"]
    for index, step in enumerate(spec["steps"]):
        result = run_step(step, run, state)
        emit({"event": "step", "index": index, "result": result})
        clean = result["exit_code"] == 0 and not result["timed_out"]
        if spec.get("stop_on_failure") and not clean:
            break
    if spec.get("collect") or spec.get("verify"):
        found, digests = collect(spec.get("collect", [])), hashes(spec.get("verify", []))
        emit({"event": "files", "collected": found, "hashes": digests})
    emit({"event": "done"})


def open_regular(path):
    """An fd of the regular file at ``path``, or None: never through a symlink, never blocking on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return fd


def collect(paths):
    """The files the steps left at ``paths`` (reports), each cut at MAX_COLLECT_BYTES."""
    found = {}
    for path in paths:
        fd = open_regular(path)
        if fd is None:
            continue
        with os.fdopen(fd, "rb") as f:
            data = f.read(MAX_COLLECT_BYTES + 1)
            size = os.fstat(f.fileno()).st_size
        text = data[:MAX_COLLECT_BYTES].decode("utf-8", "replace")
        found[path] = {"text": text, "bytes": max(size, len(data)), "truncated": len(data) > MAX_COLLECT_BYTES}
    return found


def hashes(paths):
    """sha256 of each file at ``paths`` ("" where it is gone or not a regular file)."""
    digests = {}
    for path in paths:
        fd = open_regular(path)
        digest = hashlib.sha256()
        if fd is None:
            digests[path] = ""
            continue
        with os.fdopen(fd, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        digests[path] = digest.hexdigest()
    return digests


def child_main(spec_fd):
    """Body of the pre-forked child: wait for a spec, then become the job."""
    spec_data = b""
    while True:
        chunk = os.read(spec_fd, 1 << 16)
        if not chunk:
            break
        spec_data += chunk
    os.close(spec_fd)
    if not spec_data:
        os._exit(0)
    spec = json.loads(spec_data)
    os.chdir(WORK)
    if spec["kind"] == "command":
        os.execvpe(spec["argv"][0], spec["argv"], os.environ)
    if spec["kind"] == "steps":
        run_steps(spec, lambda obj: write_all(RESULT_FD, json.dumps(obj).encode() + b"\n"))
        os._exit(0)
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)

    def emit(obj):
        write_all(RESULT_FD, json.dumps(obj).encode() + b"\n")

    try:
        run_python(spec, emit)
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
    os._exit(0)


class Child:
    """A forked, idle child holding its pipes; it starts working when given a spec."""

    def __init__(self):
        spec_r, self.spec_w = os.pipe()
        self.out_r, out_w = os.pipe()
        self.err_r, err_w = os.pipe()
        self.res_r, res_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            try:
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
                    signal.signal(sig, signal.SIG_DFL)
                try:
                    with open("/proc/self/oom_score_adj", "w") as f:
                        f.write("1000")  # the OOM killer must pick the candidate, not us
                except OSError:
                    pass
                os.setsid()
                devnull = os.open("/dev/null", os.O_RDONLY)
                # Park the fds we keep above the ones we are about to overwrite.
                keep = [os.dup(fd) for fd in (devnull, out_w, err_w, res_w, spec_r)]
                for target, fd in zip((0, 1, 2, RESULT_FD), keep[:4], strict=True):
                    os.dup2(fd, target)
                spec_fd = os.dup2(keep[4], 4)
                os.closerange(5, 4096)
                child_main(spec_fd)
            except BaseException:
                pass
            os._exit(70)
        self.pid = pid
        for fd in (spec_r, out_w, err_w, res_w):
            os.close(fd)
        self.pidfd = os.pidfd_open(pid)

    def start(self, spec):
        write_all(self.spec_w, json.dumps(spec).encode())
        os.close(self.spec_w)

    def close(self):
        for fd in (self.out_r, self.err_r, self.res_r, self.pidfd):
            try:
                os.close(fd)
            except OSError:
                pass


# --------------------------------------------------------------------------- one job


def write_files(files):
    for rel, content in (files or {}).items():
        path = os.path.normpath(os.path.join(WORK, rel))
        if not path.startswith(WORK + "/"):
            raise ValueError(f"file path escapes the work dir: {rel}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(content)


def run_job(child, job):
    limits = job["limits"]
    started = time.monotonic()
    job_deadline = started + (job.get("timeout_s") or limits["job_timeout_s"])
    oom_before = oom_kills()
    out, err = Capture(limits["output_bytes"]), Capture(limits["output_bytes"])
    write_files(job.get("files"))
    if job["kind"] == "command" and job.get("stdin") is not None:
        write_files({".stdin": job["stdin"]})
        job = dict(job, argv=["sh", "-c", 'exec "$@" < .stdin', "sh", *job["argv"]])
    child.start(job)

    events, tampered = [], False
    # Only python jobs report stages (each with its own deadline); commands and steps
    # jobs run to the job deadline (a steps job's driver enforces each step's own).
    stage_deadline = started + limits["load_timeout_s"] if job["kind"] == "python" else job_deadline
    res_buf = bytearray()
    timed_out = exited = False
    fds = [child.out_r, child.err_r, child.res_r, child.pidfd]
    while not exited:
        now = time.monotonic()
        deadline = min(stage_deadline, job_deadline)
        if now >= deadline:
            timed_out = True
            break
        ready, _, _ = select.select(fds, [], [], deadline - now)
        for fd in ready:
            if fd == child.pidfd:
                exited = True
                continue
            data = os.read(fd, 1 << 16)
            if not data:
                fds.remove(fd)
            elif fd == child.out_r:
                out.feed(data)
            elif fd == child.err_r:
                err.feed(data)
            else:
                res_buf += data
                if b"\n" not in data:
                    continue  # a long line (a steps job's report) is split once it is whole
                *lines, rest = bytes(res_buf).split(b"\n")
                res_buf = bytearray(rest)
                for line in lines:
                    event = parse_event(line)
                    if event is None:
                        tampered = True
                        continue
                    events.append(event)
                    if event.get("event") == "start":
                        timeout = (
                            limits["test_timeout_s"]
                            if event.get("stage") == "test"
                            else limits.get("load_timeout_s", limits["job_timeout_s"])
                        )
                        stage_deadline = time.monotonic() + timeout
    duration = time.monotonic() - started
    if timed_out:
        os.kill(child.pid, signal.SIGKILL)
    _, wait_status = os.waitpid(child.pid, 0)
    clean_procs = kill_all()
    # Whatever is still buffered in the pipes belongs to this job.
    drain(child.out_r, out.feed)
    drain(child.err_r, err.feed)
    drain(child.res_r, res_buf.extend)
    rest, rest_tampered = parse_events(res_buf)
    events += rest
    tampered = tampered or rest_tampered
    child.close()
    oom = oom_before >= 0 and oom_kills() > oom_before
    clean_files = wipe()
    return {
        "events": events,
        "timed_out": timed_out,
        "exit_code": os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else None,
        "signal": os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None,
        "oom": oom,
        "tampered": tampered,
        "stdout": out.result(),
        "stderr": err.result(),
        "duration_s": duration,
        "clean": clean_procs and clean_files,
    }


def parse_events(buf):
    """The events of newline-separated JSON in ``buf``, and whether any line was not one."""
    events, tampered = [], False
    for line in bytes(buf).split(b"\n"):
        if line:
            event = parse_event(line)
            if event is None:
                tampered = True
            else:
                events.append(event)
    return events, tampered


def parse_event(line):
    try:
        event = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return event if isinstance(event, dict) else None


# --------------------------------------------------------------------------- main loop


def hello():
    return {
        "supervisor": VERSION,
        "python": sys.version.split()[0],
        "uid": os.getuid(),
        "oom_counter": oom_kills() >= 0,
    }


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    sys.set_int_max_str_digits(0)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for name in filter(None, os.environ.pop("HARNESS_PRELOAD", "").split(",")):
        try:
            __import__(name)  # trusted standard-library modules: every fork then starts with them loaded
        except ImportError:
            pass
    import random  # seeded here so every forked candidate starts from the same state

    random.seed(0)
    wipe()
    child = Child()
    for line in read_requests():
        nonce, _, body = line.partition(b" ")
        nonce = nonce.decode("ascii", "replace")
        try:
            request = json.loads(body)
            if request["op"] == "hello":
                reply({"nonce": nonce, "hello": hello()})
                continue
            result = run_job(child, request["job"])
        except Exception as exc:  # a bug here must surface as harness_error, not a hang
            kill_all()
            wipe()
            result = {"harness_error": f"{type(exc).__name__}: {exc}"}
        reply({"nonce": nonce, "result": result})
        child = Child()


if __name__ == "__main__":
    main()
