"""Which torch device a model runs on: ``--device`` as given, else CUDA when present, else the CPU.

One place for every command that takes ``--device`` (the model generators, ``hrm`` and
``harness hrm train``), so a device this machine cannot use is one sentence, not a traceback.
"""

from __future__ import annotations

from harness.errors import UserError


def pick_device(requested: str | None) -> str:
    """The device for ``--device requested`` (None: cuda when available, else cpu)."""
    import torch

    if not requested:
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        kind = torch.device(requested).type
    except RuntimeError:
        kind = None
    if kind not in ("cpu", "cuda", "mps"):  # mps is left to torch, as it always was
        raise UserError(f"--device must be cpu, cuda or cuda:N, got {requested!r}.")
    if kind == "cuda" and not torch.cuda.is_available():
        raise UserError(f"--device {requested} asks for CUDA, which this machine's PyTorch cannot use.")
    return requested
