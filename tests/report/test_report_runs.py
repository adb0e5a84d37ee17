"""Reports of real runs, checked at the data level: what the page embeds is what the run holds."""

from __future__ import annotations

import json
import shutil

import pytest
from report_helpers import HOSTILE, details, documents, parse_page

from harness.records import SampleRecord
from harness.report import write_report
from harness.scoring import nir_table
from harness.store import RunStore

pytestmark = pytest.mark.sandbox


def report(tmp_path, *runs):
    out = write_report(list(runs), tmp_path / "report.html")
    text = out.read_text(encoding="utf-8")
    docs = documents(text)
    return text, {"data": docs["data"], "details": details(docs)}


def stored(run) -> tuple[dict, dict, list[SampleRecord]]:
    store = RunStore.open(run)
    return store.read_run(), store.read_results(), store.samples()


def records_by(records):
    return {r.problem_id: r for r in records}


def test_mbpp_report_holds_the_run(tmp_path, mbpp_run):
    text, docs = report(tmp_path, mbpp_run)
    run, results, records = stored(mbpp_run)
    data, details = docs["data"], docs["details"]
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # written atomically: no temp file left
    (summary,) = data["runs"]
    assert summary["summary"]["config_hash"] == run["config_hash"]
    assert summary["summary"]["harness_commit"] == run["harness"]["commit"]
    assert summary["summary"]["templates"] == [
        {"where": "task.prompt_template", "name": "mbpp-3shot", "sha256": run["task"]["prompt_template"]["sha256"]}
    ]
    assert summary["summary"]["images"][0]["id"] == run["sandbox"]["image_id"]
    assert ["sandbox.limits.memory_mb", "512"] in summary["provenance"]
    assert summary["blocks"][""]["metrics"] == results["metrics"] == {"pass@1": 1.0}
    assert summary["blocks"][""]["intervals"] == results["intervals"]
    assert summary["nir"] is None
    assert [r["id"] for r in data["rows"]] == run["task"]["problem_ids"]
    assert all(r["cells"][0]["statuses"] == ["pass"] for r in data["rows"])
    # every sample's details, message texts resolved through the string table
    by_id = {r.problem_id: r for r in records}
    strings = details["strings"]
    for row, (samples,) in zip(data["rows"], details["rows"], strict=True):
        (sample,) = samples
        turn, record = sample["turns"][0], by_id[row["id"]].turns[0]
        assert [(role, strings[k]) for role, k in turn["messages"]] == [(m.role, m.content) for m in record.messages]
        assert turn["answer"] == record.generation.text and turn["candidate"] == record.candidate
        assert len(turn["tests"]) == len(record.result.tests) and turn["static"] == record.static
    # the few-shot examples are stored once, not once per sample
    assert len(strings) < sum(len(s[0][0]["turns"][0]["messages"]) for s in details["rows"]) / 2
    assert write_report([mbpp_run], tmp_path / "again.html").read_text(encoding="utf-8") == text  # deterministic


def test_sweep_report_has_conditions_and_the_nir_table(tmp_path, sweep_run):
    _, docs = report(tmp_path, sweep_run)
    run, results, records = stored(sweep_run)
    (summary,) = docs["data"]["runs"]
    assert summary["conditions"] == ["layer=1", "layer=23", "none"] == results["condition_names"]
    for name, block in results["conditions"].items():
        assert summary["blocks"][name]["metrics"] == block["metrics"]
        assert summary["blocks"][name]["intervals"] == block["intervals"]
        mine = [r for r in records if r.condition == name]
        assert summary["nir"]["harness"][name] == pytest.approx(nir_table.ours(mine))
        assert summary["nir"]["paper"][name] == pytest.approx(nir_table.paper(mine))
    rows = docs["data"]["rows"]
    assert len(rows) == 12 and [r["condition"] for r in rows[:3]] == ["layer=1", "layer=23", "none"]
    thinking = docs["details"]["rows"][0][0][0]["turns"][0]["extras"]["thinking"]
    assert thinking == next(r for r in records if r.key == ("5", 0, "layer=1")).turns[0].generation.extras["thinking"]


def test_polyglot_report_groups_by_language(tmp_path, polyglot_run):
    _, docs = report(tmp_path, polyglot_run)
    _, results, records = stored(polyglot_run)
    data = docs["data"]
    assert data["group_keys"] == ["language"]
    assert {r["id"]: r["groups"]["language"] for r in data["rows"]} == {
        r.problem_id: r.problem_id.split("/")[0] for r in records
    }
    block = data["runs"][0]["blocks"][""]
    assert block["by_group"]["language"]["python"]["problems"] == 2
    poly = block["polyglot"]
    assert poly["pass_rate_1"] == results["polyglot"]["pass_rate_1"]
    assert set(poly["per_language"]) == {"cpp", "go", "java", "javascript", "python", "rust"}
    assert all(set(e["intervals"]) >= {"pass_rate_1", "pass_rate_2"} for e in poly["per_language"].values())
    # a multi-file candidate shows as its files
    turn = docs["details"]["rows"][0][0][0]["turns"][-1]
    assert turn["candidate"] is None and turn["files"] == json.loads(
        records_by(records)["cpp/run-length"].turns[-1].candidate
    )
    assert turn["steps"] and turn["verdicts"]["polyglot"]["status"] == "pass"


def test_two_runs_side_by_side(tmp_path, mbpp_run, hostile_run):
    _, docs = report(tmp_path, mbpp_run, hostile_run)
    data = docs["data"]
    assert len(data["runs"]) == 2 and len(data["rows"]) == 16
    by_id = {r["id"]: r for r in data["rows"]}
    assert by_id["5"]["cells"][1]["statuses"] == ["pass", "syntax_error"]
    assert by_id["7"]["cells"][1] is None  # the second run did not attempt it
    (paired,) = data["comparisons"]
    assert paired["problems"] == 2 and paired["worse"] == 2 and paired["only_a"] == 14
    assert len(docs["details"]["rows"][0]) == 2  # each row holds both runs' samples


def test_hostile_samples_stay_data(tmp_path, hostile_run):
    text, docs = report(tmp_path, hostile_run)
    parsed = parse_page(text)
    # the page's own scripts: data, code, the string table, one per row
    assert len(parsed.scripts) == 3 + len(docs["data"]["rows"]) and "img" not in parsed.tags
    answers = [s["turns"][0]["answer"] for row in docs["details"]["rows"] for s in row[0]]
    assert any(HOSTILE[0] in a for a in answers) and any(HOSTILE[2] in a for a in answers)
    assert "document.title = 'pwned'</script>" not in text


def test_unfinished_run_is_reported_from_its_samples(tmp_path, mbpp_run):
    run = tmp_path / "run"
    shutil.copytree(mbpp_run, run)
    (run / "results.json").unlink()
    lines = (run / "samples.jsonl").read_text().splitlines(keepends=True)
    (run / "samples.jsonl").write_text("".join(lines[:10]) + lines[10][:40])  # a torn last line, as after a crash
    _, docs = report(tmp_path, run)
    summary = docs["data"]["runs"][0]["summary"]
    assert summary["recomputed"] and not summary["complete"] and summary["samples"] == 10
    rows = docs["data"]["rows"]
    assert len(rows) == 16 and sum(r["cells"][0] is not None for r in rows) == 10


def test_lcb_report_has_groups_and_modes(tmp_path, lcb_run):
    _, docs = report(tmp_path, lcb_run)
    run, results, _ = stored(lcb_run)
    data = docs["data"]
    assert data["group_keys"] == ["difficulty", "platform"]
    assert {r["id"]: r["groups"] for r in data["rows"]} == run["task"]["groups"]
    block = data["runs"][0]["blocks"][""]
    assert set(block["grading"]) == {"strict", "upstream"}
    assert block["grading"]["strict"]["intervals"] == results["grading"]["strict"]["intervals"]
    assert block["by_group"]["difficulty"]["easy"]["problems"] == results["by_group"]["difficulty"]["easy"]["problems"]
    assert all(r["cells"][0]["modes_differ"] is False for r in data["rows"])
    verdicts = docs["details"]["rows"][0][0][0]["turns"][0]["verdicts"]
    assert set(verdicts) == {"strict", "upstream"} and verdicts["upstream"]["extras"]
