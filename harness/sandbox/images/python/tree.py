"""Places and removes a job's file tree. Trusted; the host runs it with `docker exec` as
root, which in our containers holds no capabilities: what it creates is root's, so the
sandbox user (uid 10001) can read the tree but cannot change, rename or remove any of it.

    python3 tree.py put    < {"files": [[path, mode, base64 data], ...]}
    python3 tree.py clear

Exit status 0 on success; otherwise one line on stderr and the host replaces the container.
"""

import base64
import json
import os
import shutil
import sys

ROOT = "/job"


def target(rel):
    path = os.path.normpath(os.path.join(ROOT, rel))
    if not path.startswith(ROOT + "/") or os.path.isabs(rel):
        raise ValueError(f"tree path escapes the tree root: {rel!r}")
    return path


def put(spec):
    if os.listdir(ROOT):
        raise ValueError("the tree root is not empty")
    os.umask(0o022)
    for rel, mode, data in spec["files"]:
        path = target(rel)
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            view = memoryview(base64.b64decode(data))
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, mode & 0o777)  # never setuid/setgid/sticky
        finally:
            os.close(fd)


def clear():
    for entry in os.scandir(ROOT):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    if os.listdir(ROOT):
        raise ValueError("the tree root could not be emptied")


def main():
    try:
        if sys.argv[1:] == ["put"]:
            put(json.loads(sys.stdin.buffer.read()))
        elif sys.argv[1:] == ["clear"]:
            clear()
        else:
            raise ValueError(f"unknown command {sys.argv[1:]}")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"tree: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
