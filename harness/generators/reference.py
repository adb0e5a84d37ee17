"""The reference oracle: answers every request with the task's canonical answer.

It is how the harness proves itself: on real data the reference must pass every
problem that is not known to be broken.
"""

from __future__ import annotations

from typing import Any

from harness.errors import UserError
from harness.generators import register
from harness.generators.base import Generator
from harness.records import Generation, Request


@register
class Reference(Generator):
    name = "reference"
    description = "replays each problem's canonical solution (proves the harness on real data)"

    def generate(self, requests: list[Request]) -> list[Generation]:
        out = []
        for request in requests:
            if request.reference is None:
                raise UserError(f"Problem {request.problem_id} has no canonical solution to replay.")
            out.append(Generation(text=request.reference))
        return out

    def config(self) -> dict[str, Any]:
        return {"name": self.name}
