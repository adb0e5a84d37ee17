"""How a question and its answer become one fixed-length HRM sequence, and back.

Bytes are the vocabulary (no tokenizer to train, any language): token = byte + 4, after four
specials. A sequence is ``[BOS] + prompt bytes padded to prompt_len + answer_len MASK slots``;
the labels score only the answer slots: the answer's bytes, then EOS, then nothing. Decoding
takes the slots up to the first EOS; no EOS means the answer was cut (``truncated``). A prompt
longer than ``prompt_len`` or an answer longer than ``answer_len - 1`` does not fit and is
reported as such, never silently shortened.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

PAD, EOS, MASK, BOS = 0, 1, 2, 3
OFFSET = 4
VOCAB = 256 + OFFSET
IGNORE = -100


class DoesNotFit(ValueError):
    """A prompt or answer longer than the framing's slots."""


@dataclass(frozen=True)
class Framing:
    prompt_len: int = 48
    answer_len: int = 16

    @property
    def seq_len(self) -> int:
        return 1 + self.prompt_len + self.answer_len

    def to_dict(self) -> dict:
        return {"tokenizer": "bytes", "vocab_size": VOCAB, **asdict(self)}

    def fits(self, prompt: str, answer: str = "") -> bool:
        return len(prompt.encode()) <= self.prompt_len and len(answer.encode()) <= self.answer_len - 1

    def inputs(self, prompt: str) -> list[int]:
        data = prompt.encode()
        if len(data) > self.prompt_len:
            raise DoesNotFit(f"the prompt is {len(data)} bytes; the framing holds {self.prompt_len}")
        body = [b + OFFSET for b in data] + [PAD] * (self.prompt_len - len(data))
        return [BOS, *body, *[MASK] * self.answer_len]

    def labels(self, answer: str) -> list[int]:
        data = answer.encode()
        if len(data) > self.answer_len - 1:
            raise DoesNotFit(f"the answer is {len(data)} bytes; the framing holds {self.answer_len - 1}")
        slots = [b + OFFSET for b in data] + [EOS]
        slots += [IGNORE] * (self.answer_len - len(slots))
        return [IGNORE] * (1 + self.prompt_len) + slots

    def decode(self, tokens: list[int]) -> tuple[str, bool]:
        """The answer in a predicted sequence and whether it was cut (no EOS in its slots)."""
        slots = tokens[1 + self.prompt_len :]
        out = bytearray()
        for token in slots:
            if token == EOS:
                return out.decode("utf-8", errors="replace"), False
            if token >= OFFSET:
                out.append(token - OFFSET)
        return out.decode("utf-8", errors="replace"), True
