"""Injecting context representation vectors (CRVs) into a decoder with forward hooks.

``Injector(model, {k: crv})`` prepends the vectors ``crv`` (shape ``(1|B, c, hidden)``)
to the hidden states entering decoder layer ``k``, so that layer ``k`` and every
later layer attend to them as if they were earlier tokens. Nothing of the model is
replaced: stock ``forward`` and ``generate``, their masks and the KV cache keep
working, so decoding with an injection costs what plain decoding costs.

How it stays consistent (see shared/reference/nir.md, section 5):

- Positions. The prefix gets negative RoPE positions (-P..-1, counting only its
  valid rows), the prompt and every generated token keep their native positions.
  RoPE depends on differences only, so this equals "prefix first, prompt after",
  and decoding needs no position rewrite.
- Mask. From the first injection layer on, each layer gets a 4D mask built here:
  real tokens see every valid prefix row plus the usual causal, padded pattern;
  prefix rows are causal among themselves and see no real token. Layers below keep
  the model's own mask, so their outputs are bit-identical to a plain forward.
- Cache. The prefix rows are written once, at prefill (an empty cache, or no cache
  at all, which re-injects on every forward). Layer j's cache then holds
  ``P_j + real`` entries, checked on every decode step.
- Output. A hook on the final norm drops the prefix rows, so logits keep the
  prompt's length and the LM head never sees them.

Several layers (``{k1: a, k2: b}``) stack: a later layer's prefix goes in front of
the earlier ones, so positions stay consistent. Rows of a batch may carry prefixes
of different lengths (or none) through ``valid`` masks of shape ``(B, c)``.

Shape-changing hooks do not mix with ``torch.compile`` or CUDA graphs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

SUPPORTED = ("llama", "qwen2", "mistral")


def decoder_parts(model: Any) -> tuple[Any, Any]:
    """The base model (with ``layers``, ``norm``, ``rotary_emb``) and its config."""
    base = model.get_decoder() if hasattr(model, "get_decoder") else model
    if not all(hasattr(base, a) for a in ("layers", "norm", "rotary_emb")):
        raise ValueError(f"{type(model).__name__} has no Llama-like decoder (layers, norm, rotary_emb)")
    return base, model.config


def check_model(model: Any) -> int:
    """Raise ValueError unless hooks can inject into this model; return its layer count."""
    _, config = decoder_parts(model)
    if config.model_type not in SUPPORTED:
        raise ValueError(f"injection supports {', '.join(SUPPORTED)} models, not {config.model_type!r}")
    attn = config._attn_implementation
    if attn not in ("sdpa", "eager"):
        raise ValueError(f"injection needs sdpa or eager attention, not {attn!r}")
    if "sliding_attention" in (getattr(config, "layer_types", None) or []) or (
        config.model_type == "mistral" and getattr(config, "sliding_window", None) is not None
    ):
        raise ValueError("injection does not support sliding-window attention")
    rope = getattr(config, "rope_parameters", None) or {}
    if rope.get("rope_type") == "dynamic":
        raise ValueError("injection does not support dynamic-NTK RoPE (it is not shift-invariant)")
    return config.num_hidden_layers


def check_layer(layer: Any, num_layers: int, what: str = "the injection layer") -> int:
    """An int in [0, num_layers); negative values are refused, not wrapped."""
    if isinstance(layer, bool) or not isinstance(layer, int):
        raise ValueError(f"{what} must be an integer, got {layer!r}")
    if not 0 <= layer < num_layers:
        raise ValueError(f"{what} must be in 0..{num_layers - 1} for this {num_layers}-layer model, got {layer}")
    return layer


def left_pad(crvs: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack per-row CRVs ``(c_i, hidden)`` into ``(B, max c, hidden)`` and its ``valid`` mask,
    padded on the left so each row's vectors end where its prompt begins."""
    width = max(c.shape[0] for c in crvs)
    first = crvs[0]
    out = torch.zeros(len(crvs), width, first.shape[-1], dtype=first.dtype, device=first.device)
    valid = torch.zeros(len(crvs), width, dtype=torch.bool, device=first.device)
    for i, c in enumerate(crvs):
        out[i, width - c.shape[0] :], valid[i, width - c.shape[0] :] = c, True
    return out, valid


class Injector:
    """Context manager that injects ``crvs[k]`` before decoder layer ``k`` (several k allowed).

    ``valid[k]`` (bool, ``(B, c)``) marks the real rows of a left-padded ``crvs[k]``;
    without it every row is real. Leaving the context removes every hook and all state.
    """

    def __init__(self, model: Any, crvs: Mapping[int, torch.Tensor], valid: Mapping[int, torch.Tensor] | None = None):
        num_layers = check_model(model)
        self.base, config = decoder_parts(model)
        self.eager = config._attn_implementation == "eager"
        if not crvs:
            raise ValueError("no injection layer given")
        self.prefixes: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}
        for layer, crv in crvs.items():
            check_layer(layer, num_layers)
            if crv.dim() != 3 or crv.shape[-1] != config.hidden_size:
                raise ValueError(
                    f"the CRV for layer {layer} must have shape (batch, length, {config.hidden_size}), "
                    f"got {tuple(crv.shape)}"
                )
            mask = (valid or {}).get(layer)
            if mask is None:
                mask = torch.ones(crv.shape[:2], dtype=torch.bool, device=crv.device)
            if tuple(mask.shape) != tuple(crv.shape[:2]):
                raise ValueError(f"the valid mask for layer {layer} must have shape {tuple(crv.shape[:2])}")
            self.prefixes[layer] = (crv, mask.bool())
        self.first = min(self.prefixes)
        # prefix keys each layer holds: the lengths of every injection at or below it
        self.extra = [sum(c.shape[1] for k, (c, _) in self.prefixes.items() if k <= j) for j in range(num_layers)]
        self.handles: list[Any] = []
        self._state: dict[str, Any] = {}

    # -- context

    def __enter__(self) -> Injector:
        self.handles.append(self.base.register_forward_pre_hook(self._on_model, with_kwargs=True))
        for j, layer in enumerate(self.base.layers):
            if j >= self.first:
                self.handles.append(layer.register_forward_pre_hook(self._layer_hook(j), with_kwargs=True))
        self.handles.append(self.base.norm.register_forward_pre_hook(self._on_norm))
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self.handles:
            handle.remove()
        self.handles.clear()
        self._state.clear()

    # -- hooks

    def _on_model(self, _module, args, kwargs):
        """Per forward: the real batch, query length, past length and 2D mask."""
        tokens = kwargs.get("input_ids")
        if tokens is None:
            tokens = args[0] if args else kwargs["inputs_embeds"]
        batch, q = tokens.shape[:2]
        cache = kwargs.get("cache", kwargs.get("past_key_values"))
        seen = cache.get_seq_length(0) if cache is not None else 0
        inject = seen == 0
        past = 0 if inject else seen - self.extra[0]
        mask = kwargs.get("attention_mask")
        if mask is not None and (not isinstance(mask, torch.Tensor) or mask.dim() != 2):
            raise ValueError("injection needs a 2D attention mask (batch, past + new tokens) or none")
        if kwargs.get("position_ids") is None:
            # the model would count layer 0's cache, which holds the prefix when k = 0
            kwargs["position_ids"] = (torch.arange(q, device=tokens.device) + past).unsqueeze(0)
        if self.first == 0:
            kwargs["attention_mask"] = None  # every layer gets the mask built here
        self._state = {
            "batch": batch,
            "q": q,
            "past": past,
            "inject": inject,
            "mask2d": mask,
            "cache": cache,
            "rows": 0,
            "masks": {},
        }
        return args, kwargs

    def _layer_hook(self, j: int):
        def hook(_module, args, kwargs):
            s = self._state
            hidden = args[0] if args else kwargs.pop("hidden_states")
            if s["inject"] and j in self.prefixes:
                crv, _ = self.prefixes[j]
                crv = self._batched(crv, s["batch"], f"CRV for layer {j}").to(hidden.dtype).to(hidden.device)
                hidden = torch.cat([crv, hidden], dim=1)
                s["rows"] += crv.shape[1]
            elif not s["inject"] and s["cache"] is not None:
                held = s["cache"].get_seq_length(j)
                if held != self.extra[j] + s["past"]:
                    raise RuntimeError(f"layer {j} cache holds {held} entries, expected {self.extra[j] + s['past']}")
            valid = self._valid(j, hidden.device)
            kwargs["attention_mask"] = self._mask(j, valid, hidden)
            if s["rows"]:
                positions = self._prefix_positions(valid)
                cos, sin = kwargs["position_embeddings"]
                pcos, psin = self.base.rotary_emb(hidden, positions)
                kwargs["position_embeddings"] = (
                    torch.cat([pcos, cos.expand(s["batch"], -1, -1)], dim=1),
                    torch.cat([psin, sin.expand(s["batch"], -1, -1)], dim=1),
                )
                ids = kwargs.get("position_ids")
                if ids is not None:
                    kwargs["position_ids"] = torch.cat([positions, ids.expand(s["batch"], -1)], dim=1)
            return (hidden, *args[1:]), kwargs

        return hook

    def _on_norm(self, _module, args):
        rows = self._state.get("rows", 0)
        return (args[0][:, rows:],) if rows else None

    # -- pieces

    @staticmethod
    def _batched(t: torch.Tensor, batch: int, what: str) -> torch.Tensor:
        if t.shape[0] == batch:
            return t
        if t.shape[0] == 1:
            return t.expand(batch, *t.shape[1:])
        raise ValueError(f"the {what} has batch {t.shape[0]}, the input has {batch}")

    def _valid(self, j: int, device: torch.device) -> torch.Tensor:
        """(B, P_j) validity of the prefix keys at layer j, latest injection first."""
        batch = self._state["batch"]
        parts = [
            self._batched(self.prefixes[k][1], batch, f"valid mask for layer {k}").to(device)
            for k in sorted((k for k in self.prefixes if k <= j), reverse=True)
        ]
        return torch.cat(parts, dim=1)

    @staticmethod
    def _prefix_positions(valid: torch.Tensor) -> torch.Tensor:
        """-(valid rows at or after each row): the last valid row is -1, padding is ignored."""
        after = valid.long().flip(1).cumsum(1).flip(1)
        return -after

    def _mask(self, j: int, valid: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
        """The 4D mask of layer j: (B, 1, rows + q, P_j + past + q), bool for sdpa, additive for eager."""
        s = self._state
        key = (self.extra[j], s["rows"])
        if key in s["masks"]:
            return s["masks"][key]
        batch, q, past, rows, prefix = s["batch"], s["q"], s["past"], s["rows"], self.extra[j]
        device = hidden.device
        query_at = past + torch.arange(q, device=device)
        real = torch.arange(past + q, device=device)[None, :] <= query_at[:, None]  # causal (q, past + q)
        real = real[None].expand(batch, -1, -1)
        if s["mask2d"] is not None:
            real = real & s["mask2d"].to(device).bool()[:, None, :]
        real = real | (torch.arange(past + q, device=device)[None, :] == query_at[:, None])  # a row sees itself
        seen_prefix = valid[:, None, :].expand(batch, q, prefix)
        mask = torch.cat([seen_prefix, real], dim=2)
        if rows:
            causal = torch.ones(prefix, prefix, dtype=torch.bool, device=device).tril()
            own = (causal[None] & valid[:, None, :]) | torch.eye(prefix, dtype=torch.bool, device=device)
            top = torch.cat([own, torch.zeros(batch, prefix, past + q, dtype=torch.bool, device=device)], dim=2)
            mask = torch.cat([top, mask], dim=1)
        mask = mask[:, None]
        if self.eager:
            mask = torch.zeros(mask.shape, dtype=hidden.dtype, device=device).masked_fill(
                ~mask, torch.finfo(hidden.dtype).min
            )
        s["masks"][key] = mask
        return mask
