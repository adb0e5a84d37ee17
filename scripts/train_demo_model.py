"""Train the small DEMO model bundled in ``harness/generators/demo_model``.

The model exists so that the model generators can be exercised end to end (load,
chat template, generation, stop at the end of a turn) without a hub download. It is
a DEMO model, not a real code model: about 5M parameters, trained for minutes on a
CPU, and its answers are Python-looking but rarely correct.

Everything it learns comes from the running interpreter's own standard library
(``sysconfig.get_paths()["stdlib"]``; ``test``/``tests``/``idlelib``/``lib2to3``/
``site-packages`` and ``__pycache__`` are skipped). The corpus has three kinds of
example:

* docstring chats: for each function or method of a module-level class that has a
  docstring and a body of 3..40 lines, the user turn is the docstring's first
  paragraph (whitespace-normalized) and the assistant turn is the function's source
  without its docstring, in a python fence;
* MBPP-like chats: the same functions, with the user turn phrased like the harness's
  MBPP prompts ("Write a function to ..." built from the docstring, plus ``assert``
  lines built from the docstring's own doctest examples when it has some), grouped
  into conversations of 1..4 turns so that few-shot prompts look familiar;
* raw chunks of source text, wrapped in ``<|bos|>`` ... ``<|eos|>``.

Chats are rendered with the tokenizer's own chat template, so training text and
prompts at inference time match exactly. The loss is taken on all tokens (prompts
included): the docstrings are useful language-model text too, and it keeps packing
simple. Tokens are packed into fixed-length sequences (documents may straddle a
sequence boundary) and the sequences are shuffled with a seeded RNG. Training runs a
fixed number of steps, so a run is reproducible on the same machine and versions.

Usage::

    python scripts/train_demo_model.py --out harness/generators/demo_model --steps N --seed 0
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import random
import sys
import sysconfig
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import transformers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

SKIP_DIRS = {"test", "tests", "idlelib", "lib2to3", "site-packages", "__pycache__"}
SPECIAL_TOKENS = ["<|bos|>", "<|eos|>", "<|pad|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"]
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}"
)
VOCAB_SIZE = 4096
MIN_BODY_LINES, MAX_BODY_LINES = 3, 40
RAW_CHUNK_CHARS = 2000
# Leading words of docstrings that read as an instruction ("Return the ...").
IMPERATIVE_VERBS = {
    "add", "apply", "build", "calculate", "call", "check", "close", "compute", "construct", "convert",
    "copy", "create", "decode", "delete", "determine", "encode", "escape", "evaluate", "extract", "find",
    "format", "generate", "get", "handle", "insert", "join", "load", "make", "normalize", "open", "parse",
    "print", "process", "quote", "read", "register", "remove", "replace", "reset", "return", "run",
    "save", "search", "send", "set", "sort", "split", "start", "stop", "strip", "test", "translate",
    "unquote", "update", "validate", "write", "yield",
}  # fmt: skip
MBPP_USER_FORMS = [
    "Write a Python function for the task below. Reply with the code only, in one python code block.\nTask: {task}",
    "You are an expert Python programmer. Solve the following task.\n{task}",
    "{task}",
]


@dataclass
class Function:
    """One docstring/function pair from the standard library."""

    name: str
    paragraph: str  # first paragraph of the docstring, whitespace-normalized
    code: str  # the function's source without its docstring, dedented
    tests: list[str]  # ``assert`` lines built from the docstring's doctest examples


# -- corpus


def stdlib_files(root: Path) -> list[Path]:
    """The standard library's ``*.py`` files outside the skipped directories, sorted by path."""
    files = [p for p in root.rglob("*.py") if not SKIP_DIRS.intersection(p.relative_to(root).parts[:-1])]
    return sorted(files)


def read_source(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def candidate_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Module-level functions and the methods of module-level classes."""
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef)
    found = [node for node in tree.body if isinstance(node, kinds)]
    for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
        found += [node for node in cls.body if isinstance(node, kinds)]
    return found


def first_paragraph(docstring: str) -> str:
    return " ".join(docstring.strip().split("\n\n")[0].split())


def doctest_asserts(docstring: str, name: str, limit: int = 3) -> list[str]:
    """``assert EXPR == WANT`` for one-line doctest examples that call ``name``."""
    lines = docstring.splitlines()
    asserts = []
    for line, want in zip(lines, lines[1:], strict=False):
        expr, want = line.strip(), want.strip()
        if not expr.startswith(">>> ") or not want or want.startswith((">>>", "...")):
            continue
        expr = expr[4:]
        if f"{name}(" in expr and "Traceback" not in want:
            asserts.append(f"assert {expr} == {want}")
    return asserts[:limit]


def function_without_docstring(lines: list[bytes], node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The function's source (decorators included) minus its docstring lines, dedented; None when unusable.

    ``lines`` are the module's lines as UTF-8 bytes, because ``ast`` column offsets count bytes.
    """
    doc, rest = node.body[0], node.body[1:]
    if not rest:
        return None
    if not MIN_BODY_LINES <= node.end_lineno - rest[0].lineno + 1 <= MAX_BODY_LINES:
        return None
    # The docstring must sit on lines of its own so that dropping those lines is exact.
    if lines[doc.lineno - 1][: doc.col_offset].strip() or lines[doc.end_lineno - 1][doc.end_col_offset :].strip():
        return None
    start = min([d.lineno for d in node.decorator_list] + [node.lineno])
    kept = lines[start - 1 : doc.lineno - 1] + lines[doc.end_lineno : node.end_lineno]
    kept[-1] = kept[-1][: node.end_col_offset]
    code = textwrap.dedent(b"\n".join(kept).decode("utf-8")).strip("\n")
    return code if parses(code) else None  # a string or comment at column 0 defeats dedent: skip those


def parses(code: str) -> bool:
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True


def extract_functions(source: str) -> list[Function]:
    """Docstring/function pairs of one module's source."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    lines = source.encode("utf-8").split(b"\n")  # not splitlines(): ast counts only newlines as line ends
    found = []
    for node in candidate_functions(tree):
        docstring = ast.get_docstring(node)
        if not docstring:
            continue
        paragraph = first_paragraph(docstring)
        if len(paragraph.split()) < 3 or len(paragraph) > 600:
            continue
        code = function_without_docstring(lines, node)
        if code:
            found.append(Function(node.name, paragraph, code, doctest_asserts(docstring, node.name)))
    return found


def raw_chunks(source: str, size: int = RAW_CHUNK_CHARS) -> list[str]:
    """The source cut at line boundaries into chunks of about ``size`` characters."""
    chunks, current, length = [], [], 0
    for line in source.splitlines(keepends=True):
        current.append(line)
        length += len(line)
        if length >= size:
            chunks.append("".join(current))
            current, length = [], 0
    if current and "".join(current).strip():
        chunks.append("".join(current))
    return chunks


def subsample(chunks: list[str], chat_chars: int, share: float, rng: random.Random) -> list[str]:
    """A seeded sample of ``chunks`` (in source order) making up about ``share`` of all characters."""
    wanted = share / (1 - share) * chat_chars
    keep = min(len(chunks), round(len(chunks) * wanted / max(1, sum(map(len, chunks)))))
    return [chunks[i] for i in sorted(rng.sample(range(len(chunks)), keep))]


def fenced(code: str) -> str:
    return "```python\n" + code + "\n```"


def mbpp_task(fn: Function) -> str:
    """An MBPP-style task sentence built from the docstring's first paragraph."""
    first, _, rest = fn.paragraph.partition(" ")
    verb = first.lower()
    if verb.endswith("s") and verb[:-1] in IMPERATIVE_VERBS:
        verb = verb[:-1]  # "Returns the ..." -> "return the ..."
    if verb in IMPERATIVE_VERBS and rest:
        return f"Write a function to {verb} {rest}"
    return f"Write a Python function `{fn.name}`. {fn.paragraph}"


def mbpp_user(fn: Function, rng: random.Random) -> str:
    text = rng.choice(MBPP_USER_FORMS).format(task=mbpp_task(fn))
    if fn.tests:
        text += "\nIt must pass these tests:\n" + "\n".join(fn.tests)
    return text


def chat(turns: list[tuple[str, str]]) -> list[dict[str, str]]:
    messages = []
    for user, assistant in turns:
        messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    return messages


def build_conversations(functions: list[Function], rng: random.Random) -> list[list[dict[str, str]]]:
    """One docstring chat per function, plus MBPP-like conversations of 1..4 turns."""
    conversations = [chat([(fn.paragraph, fenced(fn.code))]) for fn in functions]
    mbpp = [(mbpp_user(fn, rng), fenced(fn.code)) for fn in functions]
    rng.shuffle(mbpp)
    i = 0
    while i < len(mbpp):
        size = rng.randint(1, 4)
        conversations.append(chat(mbpp[i : i + size]))
        i += size
    return conversations


# -- tokenizer


def train_tokenizer(texts: list[str]) -> PreTrainedTokenizerFast:
    """Byte-level BPE over ``texts`` with the special tokens first, wrapped for transformers."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        min_frequency=2,
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<|bos|>",
        eos_token="<|end|>",
        pad_token="<|pad|>",
        extra_special_tokens=["<|eos|>", "<|system|>", "<|user|>", "<|assistant|>"],
        clean_up_tokenization_spaces=False,
        model_max_length=4096,
        model_input_names=["input_ids", "attention_mask"],
    )
    wrapped.chat_template = CHAT_TEMPLATE
    return wrapped


def pack(token_lists: list[list[int]], seq_len: int) -> torch.Tensor:
    """The documents' tokens end to end, cut into ``seq_len`` rows (the short tail is dropped)."""
    stream = [token for tokens in token_lists for token in tokens]
    rows = len(stream) // seq_len
    return torch.tensor(stream[: rows * seq_len], dtype=torch.long).view(rows, seq_len)


# -- model and training


def build_model(tokenizer: PreTrainedTokenizerFast, seed: int) -> LlamaForCausalLM:
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=128,
        intermediate_size=384,
        num_hidden_layers=24,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    return LlamaForCausalLM(config)


def learning_rate(step: int, steps: int, peak: float, warmup: int) -> float:
    """Linear warmup to ``peak``, then cosine decay to a tenth of it."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def train(model: LlamaForCausalLM, data: torch.Tensor, args: argparse.Namespace) -> list[float]:
    """``args.steps`` AdamW steps over seeded shuffles of ``data``; the loss of every step."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    warmup = max(1, min(100, args.steps // 10))
    generator = torch.Generator().manual_seed(args.seed)
    order, cursor = torch.randperm(len(data), generator=generator), 0
    losses: list[float] = []
    model.train()
    start = time.monotonic()
    for step in range(args.steps):
        if cursor + args.batch > len(order):
            order, cursor = torch.randperm(len(data), generator=generator), 0
        batch = data[order[cursor : cursor + args.batch]]
        cursor += args.batch
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, args.steps, args.lr, warmup)
        loss = model(input_ids=batch, labels=batch).loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        if (step + 1) % args.log_every == 0 or step + 1 == args.steps:
            elapsed = time.monotonic() - start
            print(f"step {step + 1}/{args.steps} loss {losses[-1]:.4f} lr {group['lr']:.2e} "
                  f"{elapsed / (step + 1):.2f}s/step", flush=True)  # fmt: skip
    return losses


# -- output


def model_card(facts: dict, config: LlamaConfig, command: str) -> str:
    keys = ["hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
            "vocab_size", "max_position_embeddings", "tie_word_embeddings"]  # fmt: skip
    config_lines = "\n".join(f"- `{key}`: {getattr(config, key)}" for key in keys)
    title = "# DEMO model, not a real code model: trained by scripts/train_demo_model.py on the Python standard library"
    return f"""{title}

This is a tiny Llama-architecture causal LM ({facts["parameters"]:,} parameters, bfloat16 safetensors) bundled with
`harness` so that the model generators can be run end to end without downloading anything. Its answers look like
Python but are rarely correct; its benchmark scores mean nothing about code generation.

## Training

- corpus: the standard library of Python {facts["python_version"]} (`*.py`, skipping `test`, `tests`, `idlelib`,
  `lib2to3`, `site-packages`, `__pycache__`): {facts["functions"]:,} docstring/function pairs (each as a plain
  docstring chat and as an MBPP-like chat) and {facts["raw_chunks"]:,} raw source chunks from {facts["files"]} files;
  {facts["corpus_tokens"]:,} tokens in all
- tokenizer: byte-level BPE, vocabulary {facts["vocab_size"]}, trained on the same corpus; chat template
  `<|bos|>` then `<|role|>\\n...<|end|>\\n` per message, generation prompt `<|assistant|>\\n`; eos is `<|end|>`
- seed {facts["seed"]}, {facts["steps"]} steps of {facts["batch"]} sequences of {facts["seq_len"]} tokens
  ({facts["tokens_seen"]:,} tokens seen), AdamW, peak learning rate {facts["peak_lr"]}, warmup then cosine decay,
  loss on all tokens
- final loss {facts["final_loss"]:.4f} (mean of the last {facts["final_loss_window"]} steps; last step
  {facts["last_step_loss"]:.4f}); {facts["wall_seconds"]:.0f} s wall time on {facts["threads"]} CPU threads
  (torch {facts["torch_version"]}, transformers {facts["transformers_version"]})

## Config

{config_lines}

## Command

```
{command}
```

The same facts are in `training.json`.
"""


def make_tokenizer_config_portable(path: Path) -> None:
    """Spell ``tokenizer_config.json`` so that transformers 4.x loads it too, not only 5.x.

    transformers 5 writes its own class name (``TokenizersBackend``), extra special tokens as a list under a key
    that 4.x expects to be a dict, and the chat template only in ``chat_template.jinja``; and 4.x would return
    ``token_type_ids``, which ``generate`` refuses for a Llama model.
    """
    data = json.loads(path.read_text())
    data["model_input_names"] = ["input_ids", "attention_mask"]
    data["tokenizer_class"] = "PreTrainedTokenizerFast"
    data["additional_special_tokens"] = data.pop("extra_special_tokens", [])
    data["chat_template"] = CHAT_TEMPLATE
    path.write_text(json.dumps(data, indent=2) + "\n")


def save(out: Path, model: LlamaForCausalLM, tokenizer: PreTrainedTokenizerFast, facts: dict, command: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    model.generation_config = GenerationConfig(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model.to(torch.bfloat16).save_pretrained(out)
    tokenizer.save_pretrained(out)
    make_tokenizer_config_portable(out / "tokenizer_config.json")
    (out / "training.json").write_text(json.dumps(facts, indent=2) + "\n")
    (out / "README.md").write_text(model_card(facts, model.config, command))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--steps", type=int, required=True, help="optimizer steps (fixed; no time-based stop)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=16, help="sequences per step")
    parser.add_argument("--seq-len", type=int, default=256)
    parser.add_argument("--lr", type=float, default=3e-3, help="peak learning rate")
    parser.add_argument("--raw-share", type=float, default=0.3, help="share of raw-source chunks in the corpus")
    parser.add_argument("--log-every", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    command = "python scripts/train_demo_model.py " + " ".join(sys.argv[1:] if argv is None else argv)
    wall_start = time.monotonic()
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)

    root = Path(sysconfig.get_paths()["stdlib"])
    files = stdlib_files(root)
    functions: list[Function] = []
    chunks: list[str] = []
    for path in files:
        source = read_source(path)
        if source:
            functions += extract_functions(source)
            chunks += raw_chunks(source)
    conversations = build_conversations(functions, rng)
    chat_chars = 2 * sum(len(fn.paragraph) + len(fn.code) for fn in functions)  # each function is in two chats
    chunks = subsample(chunks, chat_chars, args.raw_share, rng)
    print(f"{len(files)} files, {len(functions)} functions, {len(conversations)} chats, {len(chunks)} raw chunks",
          flush=True)  # fmt: skip

    tokenizer = train_tokenizer([fn.paragraph for fn in functions] + [fn.code for fn in functions] + chunks)
    documents = [tokenizer.apply_chat_template(c, tokenize=False) for c in conversations]
    documents += [f"<|bos|>{chunk}<|eos|>" for chunk in chunks]
    rng.shuffle(documents)
    token_lists = tokenizer(documents, add_special_tokens=False)["input_ids"]
    corpus_tokens = sum(map(len, token_lists))
    data = pack(token_lists, args.seq_len)
    print(f"{corpus_tokens:,} tokens, {len(data)} sequences of {args.seq_len}", flush=True)

    model = build_model(tokenizer, args.seed)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{parameters:,} parameters", flush=True)
    train_start = time.monotonic()
    losses = train(model, data, args)
    window = min(20, len(losses))
    facts = {
        "seed": args.seed,
        "steps": args.steps,
        "batch": args.batch,
        "seq_len": args.seq_len,
        "peak_lr": args.lr,
        "tokens_seen": args.steps * args.batch * args.seq_len,
        "final_loss": sum(losses[-window:]) / window,
        "final_loss_window": window,
        "last_step_loss": losses[-1],
        "corpus_tokens": corpus_tokens,
        "files": len(files),
        "functions": len(functions),
        "raw_chunks": len(chunks),
        "vocab_size": len(tokenizer),
        "parameters": parameters,
        "python_version": sys.version.split()[0],
        "torch_version": torch.__version__,
        "transformers_version": transformers.__version__,
        "threads": args.threads,
        "train_seconds": round(time.monotonic() - train_start, 1),
        "wall_seconds": round(time.monotonic() - wall_start, 1),
    }
    save(args.out, model, tokenizer, facts, command)
    print(json.dumps(facts), flush=True)


if __name__ == "__main__":
    main()
