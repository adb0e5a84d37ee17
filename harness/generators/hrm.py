"""HRM, the Hierarchical Reasoning Model (harness.hrm), as a generator.

HRM is trained from scratch on the harness's generated programs and has no language prior. What
it can do is short-answer transduction: given a question in one of its framings (a task's
``Request.compact``: code execution, test output prediction) it decodes a short answer into fixed
answer slots, and the task's answer format is completed around it. Any other request (MBPP, LCB
code generation, Polyglot) is asked as its last user message, and the decoded bytes are the
program: that is not expected to work, and every run says so. A question longer than the
checkpoint's prompt slots is answered with nothing and recorded as ``does_not_fit``.

Each generation's ``extras["hrm"]`` records the framing, segments used, the halting probability,
whether the answer was cut (no EOS in its slots), does_not_fit, and the seconds it took.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from harness.device import pick_device
from harness.errors import UserError
from harness.generators import register
from harness.generators.base import Generator
from harness.records import Generation, Request

# A tiny HRM trained by `harness hrm train` with a fixed seed (see harness/hrm/demo/README.md).
DEMO_CHECKPOINT = Path(__file__).parent.parent / "hrm" / "demo" / "hrm-tiny-cpu.pt"
DEMO_LABEL = "demo HRM checkpoint (tiny-cpu, trained on generated programs only), not a benchmark result"
SCOPE = (
    "HRM answers short questions (lcb-execution, lcb-test-output) in fixed answer slots; for other tasks "
    "its decoded bytes are the program, which is not expected to work"
)


@register
class HRMGenerator(Generator):
    name = "hrm"
    description = "the Hierarchical Reasoning Model (--checkpoint; default: the bundled demo), short answers only"

    def __init__(self, options):
        super().__init__(options)
        import torch

        from harness.hrm.checkpoint import load_model

        if options.layers:
            raise UserError("--layer applies to the nir generator, not to hrm.")
        if options.halting not in ("act", "fixed"):
            raise UserError(f"--halting must be act or fixed, got {options.halting!r}.")
        self.demo = options.checkpoint is None
        self.path = DEMO_CHECKPOINT if self.demo else options.checkpoint
        if self.demo and not self.path.is_file():
            raise UserError(f"The bundled HRM checkpoint is missing from {self.path}; pass --checkpoint PATH.")
        self.device = torch.device(pick_device(options.device))
        self.model, self.framing, state = load_model(self.path)
        self.model.to(self.device)
        self.task_ids: list[str] = state["data"].get("task_ids", ["program"])
        self.sha256 = hashlib.sha256(self.path.read_bytes()).hexdigest()
        self.trained = {"step": state["step"], "data": {k: state["data"].get(k) for k in ("seed", "framings", "train")}}

    def _question(self, request: Request) -> tuple[str, str]:
        """(framing, question): the task's compact question, else the last user message."""
        if request.compact is not None:
            return request.compact.framing, request.compact.question
        user = [m.content for m in request.messages if m.role == "user"]
        return "prompt", user[-1] if user else ""

    def generate(self, requests: list[Request]) -> list[Generation]:
        import torch

        started = time.perf_counter()
        asked = [self._question(r) for r in requests]
        fits = [i for i, (_, q) in enumerate(asked) if self.framing.fits(q)]
        decoded: dict[int, tuple[str, bool, int, float]] = {}
        if fits:
            inputs = torch.tensor([self.framing.inputs(asked[i][1]) for i in fits], device=self.device)
            ids = torch.tensor([self._task_id(asked[i][0]) for i in fits], device=self.device)
            tokens, used, p_halt = self.model.predict(inputs, ids, halting=self.options.halting)
            for row, i in enumerate(fits):
                answer, cut = self.framing.decode(tokens[row].tolist())
                decoded[i] = (answer, cut, int(used[row]), round(float(p_halt[row]), 4))
        share = round((time.perf_counter() - started) / len(requests), 4)
        return [self._generation(r, asked[i], decoded.get(i), share) for i, r in enumerate(requests)]

    def _task_id(self, framing: str) -> int:
        # a prompt that is not a compact question reads like a program to the model
        return self.task_ids.index(framing) if framing in self.task_ids else 0

    def _generation(self, request: Request, asked: tuple[str, str], decoded, seconds: float) -> Generation:
        framing, question = asked
        size = len(question.encode())
        record: dict[str, Any] = {"framing": framing, "question_bytes": size, "seconds": seconds}
        if decoded is None:
            record.update(
                does_not_fit=True, why=f"the question is {size} bytes; the framing holds {self.framing.prompt_len}"
            )
            return Generation("", True, 0, 0, seconds, {"hrm": record})
        answer, cut, used, p_halt = decoded
        record.update(does_not_fit=False, segments=used, halt_probability=p_halt, truncated=cut, answer=answer)
        text = request.compact.complete(answer) if request.compact is not None else answer
        return Generation(text, True, size, len(answer.encode()) + (0 if cut else 1), seconds, {"hrm": record})

    def config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "model": "bundled:hrm-tiny-cpu" if self.demo else str(self.path),
            "checkpoint_sha256": self.sha256,
            **({"demo_model": DEMO_LABEL} if self.demo else {}),
            "scope": SCOPE,
            "halting": self.options.halting,
            "framing": self.framing.to_dict(),
            "arch": self.model.config.to_dict(),
            "trained": self.trained,
            "device": str(self.device),
        }
