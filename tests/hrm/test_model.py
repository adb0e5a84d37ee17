"""HRM's mechanics: shapes, which rows a segment resets, the one-step gradient, halting."""

from __future__ import annotations

import pytest
import torch

from harness.hrm.model import HRM, IGNORE, HRMConfig, act_loss

SMALL = HRMConfig(vocab_size=16, seq_len=8, num_task_ids=3, hidden_size=32, num_heads=4, halt_max_steps=3)


def batch(b: int = 4, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randint(0, 16, (b, 8), generator=g)
    labels = torch.full((b, 8), IGNORE)
    labels[:, -3:] = inputs[:, :3]
    return inputs, labels, torch.randint(0, 3, (b,), generator=g)


@pytest.mark.parametrize("positions", ["learned", "rope"])
def test_shapes(positions):
    torch.manual_seed(0)
    model = HRM(HRMConfig(**{**SMALL.to_dict(), "pos_encodings": positions}))
    inputs, labels, tasks = batch()
    carry, out = model(model.initial_carry(inputs, labels, tasks), inputs, labels, tasks)
    assert out.logits.shape == (4, 8, 16) and out.q_halt.shape == out.q_continue.shape == (4,)
    assert carry.z_h.shape == carry.z_l.shape == (4, 9, 32)  # the task slot, then the tokens
    tokens, used, p = model.predict(inputs, tasks)
    assert tokens.shape == (4, 8) and used.shape == p.shape == (4,)


def test_a_segment_resets_only_the_halted_rows_and_keeps_the_others_examples():
    torch.manual_seed(0)
    model = HRM(SMALL).eval()
    inputs, labels, tasks = batch()
    carry, _ = model(model.initial_carry(inputs, labels, tasks), inputs, labels, tasks)
    carry.halted = torch.tensor([True, False, True, False])
    offered, offered_labels, offered_tasks = batch(seed=1)
    new, _ = model(carry, offered, offered_labels, offered_tasks)
    assert torch.equal(new.inputs[0], offered[0]) and torch.equal(new.inputs[1], inputs[1])
    assert new.steps.tolist() == [1, 2, 1, 2]
    # a reset row computed from the initial states: the same as a fresh carry on that example
    start = model.initial_carry(offered, offered_labels, offered_tasks)
    fresh, _ = model(start, offered, offered_labels, offered_tasks)
    assert torch.allclose(new.z_h[0], fresh.z_h[0], atol=1e-6) and not torch.allclose(new.z_h[1], fresh.z_h[1])


def test_the_carry_is_detached_and_only_the_last_two_updates_see_gradients():
    torch.manual_seed(0)
    model = HRM(SMALL).train()
    calls: list[tuple[str, bool]] = []
    for name, module in (("L", model.L), ("H", model.H)):
        module.register_forward_hook(lambda m, a, o, name=name: calls.append((name, torch.is_grad_enabled())))
    inputs, labels, tasks = batch()
    carry = model.initial_carry(inputs, labels, tasks)
    model.eval()  # no Q-target pass, so the calls are one segment's
    carry, out = model(carry, inputs, labels, tasks)
    assert calls == [("L", False), ("L", False), ("H", False), ("L", False), ("L", True), ("H", True)]
    assert not carry.z_h.requires_grad and not carry.z_l.requires_grad
    loss, _ = act_loss(out, labels)
    loss.backward()
    assert model.embed.weight.grad is not None and model.L.blocks[0].mlp.down.weight.grad.abs().sum() > 0


def test_fixed_halting_runs_every_segment_and_act_may_stop_early():
    torch.manual_seed(0)
    model = HRM(SMALL)
    inputs, _, tasks = batch()
    _, used, _ = model.predict(inputs, tasks, halting="fixed")
    assert used.tolist() == [3, 3, 3, 3]
    with torch.no_grad():
        model.q_head.bias.copy_(torch.tensor([5.0, -5.0]))  # q_halt far above q_continue: halt at once
    tokens, used, p = model.predict(inputs, tasks, halting="act")
    assert used.tolist() == [1, 1, 1, 1] and bool((p > 0.99).all())
    with pytest.raises(ValueError, match="halting"):
        model.predict(inputs, tasks, halting="sometimes")


def test_training_halts_at_the_maximum_and_explores_a_minimum():
    torch.manual_seed(0)
    model = HRM(HRMConfig(**{**SMALL.to_dict(), "halt_exploration_prob": 0.0})).train()
    inputs, labels, tasks = batch()
    carry = model.initial_carry(inputs, labels, tasks)
    halted_at = []
    for _ in range(3):
        carry, out = model(carry, inputs, labels, tasks)
        assert out.target_q_continue is not None and out.target_q_continue.shape == (4,)
        halted_at.append(carry.halted.tolist())
    assert halted_at[-1] == [True] * 4 and halted_at[0] == [False] * 4  # q_head starts at "continue"


def test_the_loss_counts_exact_answers():
    torch.manual_seed(0)
    model = HRM(SMALL).eval()
    inputs, labels, tasks = batch()
    _, out = model(model.initial_carry(inputs, labels, tasks), inputs, labels, tasks)
    out.logits = torch.nn.functional.one_hot(labels.clamp(min=0), 16).float() * 50  # perfect on scored slots
    loss, metrics = act_loss(out, labels)
    assert metrics["exact"].all() and torch.allclose(metrics["token_accuracy"], torch.ones(4))
    assert metrics["lm_loss"] < 1e-6
