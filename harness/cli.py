"""The ``harness`` command. Heavy libraries are imported inside the subcommands that use them."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from harness import __version__
from harness.device import pick_device
from harness.errors import UserError


def _whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
    return value


def _positive_int(text: str) -> int:
    return _whole_number(text, 1)


def _non_negative_int(text: str) -> int:
    return _whole_number(text, 0)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {value}")
    return value


def _ids(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harness", description="Benchmark harness for code-generation models.")
    parser.add_argument("--version", action="version", version=f"harness {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ev = sub.add_parser("eval", help="run one evaluation")
    ev.add_argument("--task", help="task name (see `harness tasks`)")
    ev.add_argument("--generator", help="generator name (see `harness generators`)")
    ev.add_argument("--model", help="model id or local path (model generators; default: the bundled demo model)")
    ev.add_argument("--samples", type=Path, help="JSONL of task_id + completion (samples generator)")
    ev.add_argument("--data", type=Path, help="local dataset: .jsonl, .json, .parquet or a directory")
    ev.add_argument("--split", help="dataset split (MBPP: test, full, validation, train, prompt)")
    ev.add_argument("--variant", help="dataset variant (MBPP: full or sanitized)")
    ev.add_argument("--prompt", help="prompt protocol name or TOML template file")
    ev.add_argument("--revision", help="dataset revision on the hub (default: pinned)")
    ev.add_argument("--challenge-tests", action="store_true", help="also run MBPP's challenge_test_list")
    lcb = ev.add_argument_group("LiveCodeBench (lcb-* tasks)")
    lcb.add_argument("--release", help="LiveCodeBench release: release_v1..release_v6, release_latest, vN, vM_vN")
    lcb.add_argument("--start-date", help="LiveCodeBench: first contest date, inclusive (YYYY-MM-DD)")
    lcb.add_argument("--end-date", help="LiveCodeBench: last contest date, inclusive (YYYY-MM-DD)")
    lcb.add_argument("--platform", help="LiveCodeBench: atcoder, codeforces or leetcode")
    lcb.add_argument("--difficulty", help="LiveCodeBench: easy, medium or hard")
    lcb.add_argument(
        "--grading",
        choices=["both", "strict", "upstream"],
        default="both",
        help="LiveCodeBench: grade the way lcb_runner does, strictly, or both (default; strict is primary)",
    )
    lcb.add_argument(
        "--from-run",
        type=Path,
        metavar="RUN_DIR",
        help="lcb-self-repair: take turn 1 from this earlier lcb-generation run instead of generating it",
    )
    pg = ev.add_argument_group("Polyglot (polyglot, polyglot-demo)")
    pg.add_argument("--languages", help="Polyglot: comma-separated languages (cpp,go,java,javascript,python,rust)")
    pg.add_argument(
        "--edit-format", choices=["diff", "whole"], help="Polyglot: SEARCH/REPLACE blocks (default) or whole files"
    )
    pg.add_argument("--tries", type=_positive_int, default=2, help="Polyglot: tries per exercise (default 2)")
    pg.add_argument(
        "--reflections",
        type=_non_negative_int,
        default=3,
        help="Polyglot: malformed-edit reflections per try (default 3)",
    )
    pg.add_argument(
        "--build-timeout", type=_positive_float, help="Polyglot: seconds for the build step (default: the language's)"
    )
    ev.add_argument("-n", type=_positive_int, default=1, help="samples per problem (default 1)")
    ev.add_argument("--model-revision", help="model revision on the hub (branch, tag or commit)")
    ev.add_argument("--temperature", type=float, default=0.0, help="0 is greedy (default)")
    ev.add_argument("--top-p", type=float, default=1.0)
    ev.add_argument("--top-k", type=int, default=0)
    ev.add_argument("--max-new-tokens", type=_positive_int, default=512)
    ev.add_argument("--stop", nargs="+", default=[], help="stop strings (the answer is cut before them)")
    ev.add_argument("--device", help="cpu, cuda, cuda:1 ... (default: cuda when present)")
    ev.add_argument("--dtype", help="float32, bfloat16, float16 (default: bfloat16 on cuda, else float32)")
    ev.add_argument(
        "--layer",
        help="nir: injection layer(s); a comma list is a sweep sharing one thinking trace, "
        "'+' joins layers of one condition, 'none' is the control (e.g. 1,10,23,none)",
    )
    ev.add_argument("--source-layer", type=int, help="nir: layer whose input states become the CRVs (default: K)")
    ev.add_argument(
        "--crv-text",
        choices=["sections", "full"],
        default="sections",
        help="nir: encode the thinking notes' tagged sections (default) or the full trace, after the task",
    )
    ev.add_argument("--think-prompt", help="nir: thinking-stage template name or TOML file (default nir-think)")
    ev.add_argument("--think-tokens", type=_positive_int, default=256, help="nir: max new tokens of the thinking")
    ev.add_argument("--checkpoint", type=Path, help="hrm: a `harness hrm train` checkpoint (default: the bundled demo)")
    ev.add_argument(
        "--halting",
        choices=["act", "fixed"],
        default="act",
        help="hrm: stop when the Q-head says halt (act, default) or run every segment (fixed)",
    )
    ev.add_argument("--limit", type=_positive_int, help="only the first N problems")
    ev.add_argument("--ids", nargs="+", help="only these problem ids (space or comma separated)")
    ev.add_argument("--workers", type=_positive_int, default=os.cpu_count() or 2, help="sandbox containers")
    ev.add_argument("--batch-size", type=_positive_int, default=16, help="requests per generation batch")
    ev.add_argument("--out", type=Path, default=Path("runs"), help="parent directory of run directories")
    ev.add_argument("--resume", type=Path, metavar="RUN_DIR", help="continue an interrupted run")
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument(
        "--test-timeout",
        type=_positive_float,
        help="seconds per test (default: the task's; MBPP 10, LiveCodeBench 6; Polyglot: for the test step)",
    )
    ev.add_argument(
        "--memory-mb",
        type=_positive_int,
        help="memory (= swap) per container (default: the task's; MBPP 512, LCB 1024, Polyglot per language)",
    )
    ev.add_argument("--base-image", help="base image of the sandbox (default debian:bookworm-slim)")
    ev.add_argument("--quiet", action="store_true", help="no progress bar")

    sub.add_parser("tasks", help="list tasks")
    sub.add_parser("generators", help="list generators")

    sb = sub.add_parser("sandbox", help="build, self-test or clean the sandbox")
    sb_sub = sb.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = sb_sub.add_parser("build", help="build the missing sandbox images (bootstraps a base offline if needed)")
    build.add_argument("--base-image", help="base image (default debian:bookworm-slim)")
    build.add_argument("--images", type=_names, help="comma-separated images to build (default: all)")
    check = sb_sub.add_parser("check", help="self-test the isolation of the sandbox and every language image")
    check.add_argument("--images", type=_names, help="comma-separated images to check (default: all)")
    clean = sb_sub.add_parser("clean", help="remove leaked containers of this harness")
    clean.add_argument("--all", action="store_true", help="also containers of runs still alive")

    show = sub.add_parser("show", help="summary table of a run")
    show.add_argument("run_dir", type=Path)
    show.add_argument("--table", choices=["summary", "nir"], default="summary", help="which view (default summary)")
    show.add_argument("--paper-definitions", action="store_true", help="nir table with the NIR paper's definitions")

    export = sub.add_parser("export", help="a run as a table (json, csv, parquet) or an upstream shape (aider, lcb)")
    export.add_argument("run_dir", type=Path)
    export.add_argument("--format", default="json", help="json, csv, parquet, aider (Polyglot YAML row), lcb")
    export.add_argument("--level", default="sample", help="sample or problem rows (tables only; default sample)")
    export.add_argument("--out", type=Path, help="output file (default: export-<level>.<format> in the run directory)")

    report = sub.add_parser("report", help="one self-contained HTML report of one or more runs")
    report.add_argument("run_dirs", type=Path, nargs="+")
    report.add_argument("--out", type=Path, help="output file (default: report.html in the first run directory)")

    compare = sub.add_parser("compare", help="paired per-problem comparison of two runs (B against A)")
    compare.add_argument("run_a", type=Path)
    compare.add_argument("run_b", type=Path)

    lb = sub.add_parser("leaderboard", help="add runs to boards, render them, check a run against its board")
    lb.add_argument("--dir", type=Path, default=Path("leaderboards"), help="board folder (default leaderboards)")
    lb_sub = lb.add_subparsers(dest="action", required=True, metavar="ACTION")
    lb_add = lb_sub.add_parser("add", help="add a finished, sandboxed run to a board")
    lb_add.add_argument("run_dir", type=Path)
    lb_add.add_argument("--board", help="board name (default: the run's task)")
    lb_add.add_argument("--replace", action="store_true", help="replace the entry with the same setup")
    lb_render = lb_sub.add_parser("render", help="write <board>.md and <board>.html for every board")
    lb_render.add_argument("--board", type=_names, help="comma-separated boards (default: all)")
    lb_check = lb_sub.add_parser("check", help="exit 1 when a run regresses against its board entry")
    lb_check.add_argument("run_dir", type=Path)
    lb_check.add_argument("--board", help="board name (default: the run's task)")
    lb_demo = lb_sub.add_parser("demo", help="run every bundled demo evaluation and check it against its board")
    lb_demo.add_argument("--update", action="store_true", help="replace the demo entries instead (on purpose)")
    lb_demo.add_argument("--tasks", type=_names, help="comma-separated demo tasks (default: all)")
    lb_demo.add_argument("--workers", type=_whole_number, default=2)

    hrm = sub.add_parser("hrm", help="HRM: make its training data, train it")
    hrm_sub = hrm.add_subparsers(dest="action", required=True, metavar="ACTION")
    data = hrm_sub.add_parser("data", help="generated Python programs, run in the sandbox, split train/test")
    data.add_argument("--out", type=Path, required=True, help="data folder to write")
    data.add_argument("--seed", type=int, default=0)
    data.add_argument("--per-template", type=_positive_int, default=2000, help="draws per template (default 2000)")
    data.add_argument("--test-fraction", type=float, default=0.1)
    data.add_argument(
        "--framings",
        type=_names,
        default=("program", "execution", "test-output"),
        help="comma-separated question framings: program (prints), execution and test-output (LCB's; default: all)",
    )
    train = hrm_sub.add_parser("train", help="train HRM on a data folder (step-capped, resumable)")
    train.add_argument("--data", type=Path, required=True)
    train.add_argument("--out", type=Path, required=True, help="checkpoint file")
    train.add_argument("--preset", default="tiny-cpu", help="tiny-cpu, small or reference")
    train.add_argument("--steps", type=_positive_int, default=2000, help="total optimizer steps (default 2000)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--prompt-len", type=_positive_int, default=96, help="prompt bytes (default 96)")
    train.add_argument("--answer-len", type=_positive_int, default=16)
    train.add_argument("--save-every", type=_positive_int, default=250)
    train.add_argument("--resume", action="store_true", help="continue the checkpoint at --out")
    train.add_argument("--device", help="cpu, cuda or cuda:N (default: cuda when available, else cpu)")
    train.add_argument("--quiet", action="store_true")
    return parser


def cmd_eval(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from harness.generators import GeneratorOptions
    from harness.generators.nir import parse_layers
    from harness.records import Limits
    from harness.runner import EvalOptions, Evaluation
    from harness.tasks import TaskOptions

    if args.resume is not None:
        from harness.store import RunStore

        saved = RunStore.open(args.resume).read_run()
        options = replace(EvalOptions.from_json(saved["options"]), workers=args.workers)
    else:
        if not args.task or not args.generator:
            raise UserError("harness eval needs --task and --generator (or --resume RUN_DIR).")
        from harness.tasks import get_task

        task = get_task(args.task)
        timeout = args.test_timeout or task.default_test_timeout_s
        limits = Limits(test_timeout_s=timeout, memory_mb=args.memory_mb or task.default_memory_mb)
        options = EvalOptions(
            task=args.task,
            generator=args.generator,
            task_options=TaskOptions(
                data=args.data,
                split=args.split,
                variant=args.variant,
                prompt=args.prompt,
                revision=args.revision,
                challenge_tests=args.challenge_tests,
                release=args.release,
                start_date=args.start_date,
                end_date=args.end_date,
                platform=args.platform,
                difficulty=args.difficulty,
                grading=args.grading,
                from_run=args.from_run,
                languages=args.languages,
                edit_format=args.edit_format,
                tries=args.tries,
                reflections=args.reflections,
                build_timeout=args.build_timeout,
            ),
            generator_options=GeneratorOptions(
                model=args.model,
                model_revision=args.model_revision,
                samples=args.samples,
                temperature=args.temperature,
                top_p=args.top_p,
                top_k=args.top_k,
                max_new_tokens=args.max_new_tokens,
                stop=tuple(args.stop),
                device=args.device,
                dtype=args.dtype,
                layers=parse_layers(args.layer) if args.layer else (),
                source_layer=args.source_layer,
                crv_text=args.crv_text,
                think_prompt=args.think_prompt,
                think_tokens=args.think_tokens,
                checkpoint=args.checkpoint,
                halting=args.halting,
            ),
            n=args.n,
            limit=args.limit,
            ids=_ids(args.ids) if args.ids else None,
            seed=args.seed,
            workers=args.workers,
            batch_size=args.batch_size,
            out=args.out,
            limits=limits,
            base_image=args.base_image,
        )
    log = (lambda _msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr))
    evaluation = Evaluation(options, resume=args.resume, log=log)
    log(f"run directory: {evaluation.store.root}")
    if evaluation.run["generator"].get("demo_model"):
        log(f"model: {evaluation.run['generator']['demo_model']}; pass --model for a real one")
    run_dir = evaluation.execute(show_progress=not args.quiet and sys.stderr.isatty())
    from harness.summary import summary_lines

    print("\n".join(summary_lines(run_dir)))
    return 0


def cmd_list(kind: str) -> int:
    if kind == "tasks":
        from harness.tasks import all_tasks as registry
    else:
        from harness.generators import all_generators as registry
    entries = registry()
    width = max(map(len, entries))
    for name, cls in entries.items():
        print(f"{name:<{width}}  {cls.description}")
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    from harness.sandbox.docker_backend import connect, reap

    client = connect()
    if args.action == "build":
        from harness.sandbox.image import DEFAULT_BASE, ensure_image, image_id, languages

        for name in args.images or languages():
            tag = ensure_image(client, args.base_image or DEFAULT_BASE, lambda m: print(m, file=sys.stderr), name)
            print(f"{tag} {image_id(client, tag)}")
        return 0
    if args.action == "clean":
        print(f"removed {reap(client, everything=args.all)} container(s)")
        return 0
    from harness.polyglot.exercises import LANGUAGES
    from harness.polyglot.languages import recipes
    from harness.polyglot.selfcheck import run_language_checks
    from harness.sandbox.image import ROOT_IMAGE, languages
    from harness.sandbox.selftest import run_selftest

    chosen = args.images or languages()
    ok = run_selftest(client) if ROOT_IMAGE in chosen else True
    polyglot = [name for name in LANGUAGES if recipes()[name].image in chosen]
    if polyglot:
        ok = run_language_checks(client, polyglot) and ok
    return 0 if ok else 1


def cmd_show(args: argparse.Namespace) -> int:
    from harness.summary import nir_lines, summary_lines

    if args.table == "nir":
        print("\n".join(nir_lines(args.run_dir, args.paper_definitions)))
    else:
        print("\n".join(summary_lines(args.run_dir)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from harness.exports import default_name, export

    out = args.out or default_name(args.run_dir, args.format, args.level)
    print(export(args.run_dir, args.format, args.level, out))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from harness.report import write_report

    print(write_report(args.run_dirs, args.out or args.run_dirs[0] / "report.html"))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from harness.leaderboard import compare

    for condition, c in compare(args.run_a, args.run_b):
        label = f"[{condition}] " if condition else ""
        print(
            f"{label}{c.problems} problems in both: pass fraction A {c.mean_a:.4f}, B {c.mean_b:.4f}; "
            f"discordant {c.discordant} (B better on {len(c.better)}, worse on {len(c.worse)}), "
            f"sign test p={c.p_value:.4f}"
        )
        for what, ids in (
            ("B worse", c.worse),
            ("B better", c.better),
            ("only in A", c.only_a),
            ("only in B", c.only_b),
        ):
            if ids:
                print(f"  {what}: {', '.join(ids)}")
    return 0


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from harness import leaderboard

    if args.action == "add":
        path, entries = leaderboard.add(args.run_dir, args.dir, args.board, args.replace)
        for e in entries:
            print(f"{path}: added {e['label']} ({len(e['problems'])} problems)")
    elif args.action == "render":
        print("\n".join(str(p) for p in leaderboard.render(args.dir, args.board)))
    elif args.action == "check":
        outcomes = leaderboard.check(args.run_dir, args.dir, args.board)
        print("\n".join(line for o in outcomes for line in o.lines()))
        return 1 if any(o.failed for o in outcomes) else 0
    else:
        from harness.gate import gate

        ok, lines = gate(args.dir, args.update, args.workers, args.tasks)
        print("\n".join(lines))
        return 0 if ok else 1
    return 0


def cmd_hrm(args: argparse.Namespace) -> int:
    from harness.hrm import commands

    if args.action == "data":
        from harness.hrm.programs import FRAMINGS
        from harness.records import Limits
        from harness.sandbox.docker_backend import SandboxPool, connect
        from harness.sandbox.image import image_exists, image_tag

        if bad := [f for f in args.framings if f not in FRAMINGS]:
            raise UserError(f"--framings: unknown {', '.join(bad)}; framings: {', '.join(FRAMINGS)}.")
        if not 0 < args.test_fraction < 1:
            raise UserError(f"--test-fraction must be between 0 and 1, got {args.test_fraction}.")
        client = connect()
        if not image_exists(client):
            raise UserError("the sandbox image is not built; run `harness sandbox build`.")
        with SandboxPool(client, image_tag(), 1, Limits(), "hrm-data") as pool:
            meta = commands.make_data(
                args.out, args.seed, args.per_template, args.test_fraction, tuple(args.framings), pool.run
            )
        base = meta["majority_baseline"]
        sizes = f"{meta['train']} train, {meta['test']} test"
        print(f"{args.out}: {sizes}; majority answer {base['answer']!r} scores {base['accuracy']:.3f}")
        return 0
    from rich.progress import Progress, TextColumn

    from harness.hrm.framing import Framing
    from harness.hrm.train import PRESETS

    if args.preset not in PRESETS:
        raise UserError(f"--preset must be one of {', '.join(PRESETS)}, got {args.preset!r}.")
    if args.resume and not args.out.is_file():
        raise UserError(f"--resume needs a checkpoint at {args.out}.")
    framing = Framing(args.prompt_len, args.answer_len)
    device = pick_device(args.device)
    data = commands.read_data(args.data)  # before the bar, so a bad folder is the only line
    with Progress(*Progress.get_default_columns(), TextColumn("{task.fields[info]}"), disable=args.quiet) as bar:
        task = bar.add_task("hrm train", total=args.steps, info="")

        def progress(m: dict) -> None:
            info = f"loss {m['loss']:.3f}  exact {m['exact']:.2f}  segments {m['steps']:.2f}"
            bar.update(task, completed=m["step"], info=info)

        result = commands.train_run(
            data,
            args.out,
            preset=args.preset,
            steps=args.steps,
            seed=args.seed,
            framing=framing,
            save_every=args.save_every,
            resume=args.resume,
            device=device,
            progress=progress,
        )
    print(
        f"{args.out}: step {result['step']}; held-out exact ACT {result['act']['exact']:.3f} "
        f"({result['act']['segments']:.2f} segments), fixed {result['fixed']['exact']:.3f}, "
        f"majority {result['majority_baseline']:.3f}"
    )
    return 0


def _terminate(signum, _frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        if args.command == "eval":
            return cmd_eval(args)
        if args.command in ("tasks", "generators"):
            return cmd_list(args.command)
        commands = {
            "sandbox": cmd_sandbox,
            "export": cmd_export,
            "report": cmd_report,
            "compare": cmd_compare,
            "leaderboard": cmd_leaderboard,
            "hrm": cmd_hrm,
        }
        return commands.get(args.command, cmd_show)(args)
    except UserError as exc:
        print(f"harness: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `harness show RUN | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("harness: interrupted; finished samples are saved (continue with --resume RUN_DIR).", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
