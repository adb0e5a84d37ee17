"""Sandbox images: a base image (pulled, or bootstrapped offline) plus our Dockerfile.

The image tag carries a hash of the Dockerfile, the supervisor and the base name, so
a changed supervisor gets a new image and an unchanged one is never rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harness.errors import UserError

IMAGES_DIR = Path(__file__).parent / "images"
DEFAULT_BASE = "debian:bookworm-slim"
BOOTSTRAP_TAG = "harness-base/debian"
SUITE = "bookworm"
Log = Callable[[str], None]


ROOT_IMAGE = "python"  # every other image is built on this one (it holds the supervisor)


def languages() -> list[str]:
    """Every sandbox image this harness can build, the root image first."""
    names = sorted(p.name for p in IMAGES_DIR.iterdir() if (p / "Dockerfile").is_file())
    return [ROOT_IMAGE, *(n for n in names if n != ROOT_IMAGE)]


def _check(language: str) -> None:
    if not (IMAGES_DIR / language / "Dockerfile").is_file():
        raise UserError(f"Unknown sandbox image {language!r}; known: {', '.join(languages())}.")


def image_tag(base: str = DEFAULT_BASE, language: str = ROOT_IMAGE) -> str:
    """The tag of the sandbox image for this harness version, language and base. An image
    other than the root one is built on the root image, so its tag covers the root's too."""
    _check(language)
    parent = base if language == ROOT_IMAGE else image_tag(base, ROOT_IMAGE)
    digest = hashlib.sha256(parent.encode())
    for path in sorted((IMAGES_DIR / language).iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"harness-sandbox-{language}:{digest.hexdigest()[:12]}"


def _exists(client, name: str) -> bool:
    import docker.errors

    try:
        client.images.get(name)
        return True
    except docker.errors.ImageNotFound:
        return False


def debian_mirror() -> str:
    """The Debian mirror to bootstrap from: $HARNESS_DEBIAN_MIRROR, else the host's apt config."""
    if os.environ.get("HARNESS_DEBIAN_MIRROR"):
        return os.environ["HARNESS_DEBIAN_MIRROR"]
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for path in sources:
        try:
            text = path.read_text()
        except OSError:
            continue
        for match in re.finditer(r"^(?:deb\s+(?:\[[^\]]*\]\s+)?|URIs:\s*)(\S+)", text, re.M):
            uri = match.group(1)
            if "debian" in uri and "security" not in uri:
                return uri
    raise UserError(
        "No Debian mirror found to bootstrap the sandbox base image; set HARNESS_DEBIAN_MIRROR to a mirror URL."
    )


def bootstrap_base(client, log: Log, repository: str = BOOTSTRAP_TAG) -> str:
    """Build a minimal Debian root with debootstrap and import it as a base image."""
    tag = f"{repository}:{SUITE}"
    if shutil.which("debootstrap") is None:
        raise UserError(
            "No base image could be pulled and debootstrap is missing; install it (apt-get install debootstrap) "
            f"or load {DEFAULT_BASE} with `docker load`."
        )
    if os.geteuid() != 0:
        raise UserError("Bootstrapping the sandbox base image needs root; run `harness sandbox build` as root.")
    mirror = debian_mirror()
    log(f"bootstrapping {tag} from {mirror} (debootstrap, about a minute)")
    with tempfile.TemporaryDirectory(prefix="harness-rootfs-") as tmp:
        root = Path(tmp) / "rootfs"
        cmd = ["debootstrap", "--variant=minbase", "--include=python3", SUITE, str(root), mirror]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
            raise UserError(f"debootstrap failed: {' | '.join(tail)}")
        tarball = Path(tmp) / "rootfs.tar"
        subprocess.run(["tar", "-C", str(root), "-cf", str(tarball), "."], check=True)
        # Sent whole (a few hundred MB): the SDK's streamed upload carries a chunked
        # header the engine rejects ("invalid byte in chunk length").
        client.api.import_image_from_data(tarball.read_bytes(), repository=repository, tag=SUITE)
    return tag


def image_exists(client, base: str = DEFAULT_BASE, language: str = ROOT_IMAGE) -> bool:
    """Whether the sandbox image for this base is built already."""
    return _exists(client, image_tag(base, language))


def ensure_base(client, base: str, log: Log) -> str:
    """A base image that exists locally: the named one, pulled if needed, else bootstrapped."""
    import docker.errors

    if _exists(client, base):
        return base
    try:
        log(f"pulling {base}")
        client.images.pull(base)
        return base
    except docker.errors.APIError:
        log(f"no registry answered for {base}; using a bootstrapped Debian {SUITE} base")
    tag = f"{BOOTSTRAP_TAG}:{SUITE}"
    return tag if _exists(client, tag) else bootstrap_base(client, log)


def extra_ca_certs() -> str:
    """PEM text of the CA certificates this host added to the system's (Debian keeps them in
    /usr/local/share/ca-certificates), plus the file $HARNESS_EXTRA_CA_CERTS names: what an image
    build needs where TLS to a package registry is intercepted. Used at build time only."""
    paths = sorted(Path("/usr/local/share/ca-certificates").glob("**/*.crt"))
    if os.environ.get("HARNESS_EXTRA_CA_CERTS"):
        paths.append(Path(os.environ["HARNESS_EXTRA_CA_CERTS"]))
    texts = []
    for path in paths:
        try:
            texts.append(path.read_text())
        except (OSError, UnicodeDecodeError):
            continue
    return "\n".join(t.strip() for t in texts if "BEGIN CERTIFICATE" in t)


def ensure_image(client, base: str = DEFAULT_BASE, log: Log = print, language: str = ROOT_IMAGE) -> str:
    """Build the sandbox image (and the root image under it) unless it exists; return its tag."""
    import docker.errors

    tag = image_tag(base, language)
    if _exists(client, tag):
        return tag
    source = ensure_base(client, base, log) if language == ROOT_IMAGE else ensure_image(client, base, log)
    log(f"building {tag} on {source}")
    started = time.monotonic()
    buildargs = {"BASE": source}
    if re.search(r"^ARG EXTRA_CA_CERTS\b", (IMAGES_DIR / language / "Dockerfile").read_text(), re.M):
        buildargs["EXTRA_CA_CERTS"] = extra_ca_certs()
    try:
        client.images.build(
            path=str(IMAGES_DIR / language),
            tag=tag,
            buildargs=buildargs,
            labels={"harness.base": base, "harness.base.source": source},
            rm=True,
            forcerm=True,
        )
        log(f"built {tag} in {time.monotonic() - started:.0f} s")
    except docker.errors.BuildError as exc:
        lines = [str(x.get("stream", "")).strip() for x in exc.build_log if isinstance(x, dict)]
        raise UserError(
            f"building the sandbox image failed: {exc.msg} ({' | '.join(filter(None, lines))[-300:]})"
        ) from None
    return tag


def image_id(client, tag: str) -> str:
    """The content digest (image ID) of a local image, recorded in every run."""
    return client.images.get(tag).id


def toolchain_info(client, tag: str) -> dict:
    """The toolchain versions an image recorded at build time (its /opt/harness/toolchain-*.json), read
    from a container that is created but never started; empty when the image records none."""
    import io
    import json
    import tarfile

    import docker.errors

    container = client.api.create_container(tag, command=["true"], network_disabled=True)
    found: dict = {}
    try:
        stream, _ = client.api.get_archive(container["Id"], "/opt/harness")
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as archive:
            for member in archive:
                name = Path(member.name).name
                if member.isfile() and name.startswith("toolchain-") and name.endswith(".json"):
                    found[name[len("toolchain-") : -len(".json")]] = json.loads(archive.extractfile(member).read())
    except (docker.errors.APIError, ValueError, tarfile.TarError):
        return {}
    finally:
        client.api.remove_container(container["Id"], force=True)
    return found
