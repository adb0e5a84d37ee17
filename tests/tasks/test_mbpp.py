"""The MBPP task: test splitting, row validation, loading, prompts, jobs and config."""

from __future__ import annotations

import hashlib
import json

import pytest

from harness.errors import UserError
from harness.records import ProbeTest
from harness.tasks import TaskOptions
from harness.tasks.mbpp import MBPP, MBPPDemo, parse_row, probe_test
from harness.tasks.prompts import TEMPLATES_DIR

# --------------------------------------------------------------------------- probe_test


def test_probe_eq_literal_on_the_right():
    assert probe_test("assert f(1) == 2") == ProbeTest("assert f(1) == 2", "f(1)", "eq", "2")


def test_probe_eq_literal_on_the_left():
    test = probe_test("assert [1, 2] == f(1)")
    assert (test.probe, test.check, test.expected) == ("f(1)", "eq", "[1, 2]")


def test_probe_negative_and_container_literals():
    assert probe_test("assert f(1)==-1").expected == "-1"
    test = probe_test("assert f('a') == {'a': (1, 2.5), 'b': None}")
    assert (test.probe, test.expected) == ("f('a')", "{'a': (1, 2.5), 'b': None}")


def test_probe_ne():
    test = probe_test("assert f(1) != 2")
    assert (test.probe, test.check, test.expected) == ("f(1)", "ne", "2")


def test_probe_not_is_falsy():
    test = probe_test("assert not is_prime(4)")
    assert (test.probe, test.check, test.expected) == ("is_prime(4)", "falsy", None)


def test_probe_bare_expression_is_truthy():
    test = probe_test("assert is_prime(5)")
    assert (test.probe, test.check, test.expected) == ("is_prime(5)", "truthy", None)


@pytest.mark.parametrize(
    "source",
    [
        "assert f(x) == g(y)",  # no literal on either side
        "assert math.isclose(f(1), 2.5)",
        "assert 1 < f(2) == 3",  # chained comparison
        "assert f(1) is None",
    ],
)
def test_probe_other_asserts_evaluate_the_whole_expression(source):
    test = probe_test(source)
    assert test.check == "truthy"
    assert test.probe == source.removeprefix("assert ")
    assert compile(test.probe, "probe", "eval")


def test_probe_keeps_the_source_and_drops_the_message():
    source = "  assert f(1) == (1, 2), 'wrong'  "
    test = probe_test(source)
    assert test.source == source
    assert (test.probe, test.expected) == ("f(1)", "(1, 2)")


def test_probe_multi_line_assert_is_one_expression():
    source = "assert f(\n    1,\n    2,\n) == [\n    1,\n    2,\n]"
    test = probe_test(source)
    assert test.check == "eq"
    assert eval(test.expected) == [1, 2]
    assert compile(test.probe, "probe", "eval")
    assert test.probe.replace(" ", "").replace("\n", "") == "(f(1,2,))"


@pytest.mark.parametrize("source", ["x = 1", "f(1) == 2", "assert f(1) == 2\nassert f(2) == 3", "import os"])
def test_probe_non_assert_raises_value_error(source):
    with pytest.raises(ValueError, match="single assert"):
        probe_test(source)


def test_probe_syntax_error():
    with pytest.raises(SyntaxError):
        probe_test("assert f(1 == 2")


# --------------------------------------------------------------------------- parse_row


def row(task_id, **fields):
    number = int(task_id) if str(task_id).isdigit() else 1
    base = {
        "task_id": task_id,
        "text": f"Write a function f{number} that adds {number}.",
        "code": f"def f{number}(x):\n    return x + {number}",
        "test_list": [f"assert f{number}(1) == {1 + number}", f"assert f{number}(0) == {number}"],
        "test_setup_code": "",
        "challenge_test_list": [],
    }
    base.update(fields)
    return base


def test_parse_row_original_layout():
    problem = parse_row("f:1", row(11, test_setup_code="import math", challenge_test_list=["assert f11(2) == 13"]))
    assert problem.id == "11"
    assert problem.text == "Write a function f11 that adds 11."
    assert problem.code.startswith("def f11(x):")
    assert problem.tests == ["assert f11(1) == 12", "assert f11(0) == 11"]
    assert problem.setup == "import math"
    assert problem.challenge_tests == ["assert f11(2) == 13"]


def test_parse_row_sanitized_layout():
    data = row(12, test_imports=["import math", "import re"])
    data["prompt"] = data.pop("text")
    del data["test_setup_code"], data["challenge_test_list"]
    problem = parse_row("f:1", data)
    assert problem.text == "Write a function f12 that adds 12."
    assert problem.setup == "import math\nimport re"
    assert problem.challenge_tests == []


def test_parse_row_string_task_id_is_kept():
    assert parse_row("f:1", row("Mbpp/7")).id == "Mbpp/7"


def test_parse_row_null_challenge_list_is_empty():
    assert parse_row("f:1", row(11, challenge_test_list=None)).challenge_tests == []


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"task_id": None}, "'task_id' must be an integer or a string"),
        ({"task_id": True}, "'task_id' must be an integer or a string"),
        ({"task_id": "  "}, "'task_id' must be an integer or a string"),
        ({"text": None}, "missing string field 'text'"),
        ({"code": 5}, "missing string field 'code'"),
        ({"test_list": "assert f(1) == 2"}, "field 'test_list' must be a list of strings"),
        ({"test_list": [1, 2]}, "field 'test_list' must be a list of strings"),
        ({"test_list": []}, "'test_list' is empty"),
        ({"test_setup_code": ["x"]}, "'test_setup_code' must be a string"),
        ({"test_imports": "import math"}, "field 'test_imports' must be a list of strings"),
        ({"challenge_test_list": "x"}, "field 'challenge_test_list' must be a list of strings"),
        ({"test_list": ["print(1)"]}, "test 'print(1)' is not a valid assert"),
        ({"test_list": ["assert f(1 == 2"]}, "is not a valid assert"),
        ({"challenge_test_list": ["x = 1"]}, "is not a valid assert"),
    ],
)
def test_parse_row_errors_name_the_origin(fields, message):
    with pytest.raises(UserError, match="^data.jsonl:7: ") as info:
        parse_row("data.jsonl:7", {**row(11), **fields})
    assert message in str(info.value)


def test_parse_row_missing_task_id():
    data = row(11)
    del data["task_id"]
    with pytest.raises(UserError, match=r"^data.jsonl:3: missing field 'task_id'"):
        parse_row("data.jsonl:3", data)


# --------------------------------------------------------------------------- loading


IDS = [1, 2, 3, 4, 11, 12, 511, 601]


def write_rows(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def data(tmp_path):
    return write_rows(tmp_path / "mbpp.jsonl", [row(i) for i in IDS])


def load(data, **options):
    task = MBPP(TaskOptions(data=data, **options))
    return task, task.load()


def ids(problems):
    return [p.id for p in problems]


@pytest.mark.parametrize(
    "split, expected",
    [
        (None, ["11", "12"]),  # test split by default
        ("test", ["11", "12"]),
        ("prompt", ["1", "2", "3", "4"]),
        ("validation", ["511"]),
        ("train", ["601"]),
        ("full", [str(i) for i in IDS]),
    ],
)
def test_splits_by_id_range(data, split, expected):
    task, problems = load(data, split=split)
    assert ids(problems) == expected
    assert task.config()["split"] == (split or "test")


def test_split_bounds_are_inclusive(tmp_path):
    path = write_rows(tmp_path / "m.jsonl", [row(i) for i in [2, 3, 4, 10, 11, 510, 511, 600, 601, 974]])
    assert ids(load(path, split="test")[1]) == ["11", "510"]
    assert ids(load(path, split="validation")[1]) == ["511", "600"]
    assert ids(load(path, split="train")[1]) == ["601", "974"]


def test_non_numeric_ids_only_in_full(tmp_path):
    path = write_rows(tmp_path / "m.jsonl", [row(i) for i in [2, 3, 4, 11]] + [row("abc")])
    assert ids(load(path)[1]) == ["11"]
    assert ids(load(path, split="full")[1]) == ["2", "3", "4", "11", "abc"]


def test_unknown_split_and_variant(data):
    with pytest.raises(UserError, match="Unknown split 'dev'"):
        MBPP(TaskOptions(data=data, split="dev"))
    with pytest.raises(UserError, match="Unknown variant 'tiny'"):
        MBPP(TaskOptions(data=data, variant="tiny"))


def test_empty_split_is_an_error(tmp_path):
    path = write_rows(tmp_path / "m.jsonl", [row(i) for i in [2, 3, 4]])
    with pytest.raises(UserError, match=f"No problems of split 'test' in {path}"):
        load(path)


def test_duplicate_task_ids(tmp_path):
    path = write_rows(tmp_path / "m.jsonl", [row(i) for i in [2, 3, 4, 11, 11]])
    with pytest.raises(UserError, match=rf"{path}:5: duplicate task_id 11"):
        load(path)


def test_bad_row_in_a_file_names_file_and_line(tmp_path):
    path = write_rows(tmp_path / "m.jsonl", [row(2), row(3), row(11, test_list="nope")])
    with pytest.raises(UserError, match=rf"^{path}:3: field 'test_list'"):
        load(path)


def test_sanitized_file_loads(tmp_path):
    rows = []
    for i in [2, 3, 4, 11]:
        r = row(i, test_imports=["import math"])
        r["prompt"] = r.pop("text")
        rows.append(r)
    problems = load(write_rows(tmp_path / "s.jsonl", rows), variant="sanitized")[1]
    assert problems[0].setup == "import math"


def test_three_shot_prompt_needs_tasks_2_3_4(tmp_path):
    path = write_rows(tmp_path / "m.jsonl", [row(i) for i in [2, 4, 11]])
    with pytest.raises(UserError, match="needs task 3 as an example") as info:
        load(path)
    assert "--prompt mbpp-0shot" in str(info.value)


def test_zero_shot_prompt_needs_no_examples(tmp_path):
    path = write_rows(tmp_path / "m.jsonl", [row(11), row(12)])
    task, problems = load(path, prompt="mbpp-0shot")
    assert ids(problems) == ["11", "12"]
    assert task.shots == []


def test_shots_are_loaded_in_template_order(data):
    task, _ = load(data)
    assert ids(task.shots) == ["2", "3", "4"]


# --------------------------------------------------------------------------- protocol


def test_request_has_three_shots_then_the_task(data):
    task, problems = load(data)
    problem = problems[0]
    request = task.request(problem, 3, [])
    assert (request.problem_id, request.sample_index, request.turn) == ("11", 3, 0)
    roles = [m.role for m in request.messages]
    assert roles == ["user", "assistant"] * 3 + ["user"]
    for number, shot in enumerate(task.shots):
        user, assistant = request.messages[2 * number : 2 * number + 2]
        assert shot.text in user.content
        assert all(test in user.content for test in shot.tests)
        assert assistant.content == f"```python\n{shot.code}\n```"
    last = request.messages[-1].content
    assert problem.text in last and "\n".join(problem.tests) in last
    assert request.prefill == "```python\n"


def test_reference_plus_prefill_extracts_to_the_canonical_code(data):
    task, problems = load(data)
    for problem in problems:
        request = task.request(problem, 0, [])
        assert request.reference == problem.code + "\n```"
        assert task.extract(problem, request.prefill + request.reference) == problem.code + "\n"


def test_reference_normalises_line_endings(tmp_path):
    path = write_rows(tmp_path / "m.jsonl", [row(11, code="def f11(x):\r\n    return x + 11\r\n")])
    task, (problem,) = load(path, prompt="mbpp-0shot")
    request = task.request(problem, 0, [])
    assert task.extract(problem, request.prefill + request.reference) == "def f11(x):\n    return x + 11\n"


def test_single_turn(data):
    task, problems = load(data)
    assert task.request(problems[0], 0, [object()]) is None


def test_job_without_and_with_challenge_tests(tmp_path):
    rows = [row(i) for i in [2, 3, 4]]
    rows.append(row(11, test_setup_code="import math", challenge_test_list=["assert f11(5) == 16"]))
    path = write_rows(tmp_path / "m.jsonl", rows)

    task, (problem,) = load(path)
    job = task.job(problem, "def f11(x): return x + 11")
    assert job.kind == "python"
    assert job.code == "def f11(x): return x + 11"
    assert job.setup == "import math"
    assert [t.source for t in job.tests] == problem.tests
    assert job.tests[0] == ProbeTest("assert f11(1) == 12", "f11(1)", "eq", "12")

    task, (problem,) = load(path, challenge_tests=True)
    job = task.job(problem, "x")
    assert [t.source for t in job.tests] == [*problem.tests, "assert f11(5) == 16"]


def test_config_records_the_prompt_and_data(data):
    task, problems = load(data)
    config = task.config()
    sha = hashlib.sha256((TEMPLATES_DIR / "mbpp-3shot.toml").read_bytes()).hexdigest()
    assert config["prompt_template"] == {"name": "mbpp-3shot", "file": "mbpp-3shot.toml", "sha256": sha}
    assert config["name"] == "mbpp"
    assert config["source"] == str(data)
    assert config["variant"] == "full"
    assert config["challenge_tests"] is False
    assert config["num_problems"] == len(problems) == 2
    assert len(config["dataset_sha256"]) == 64
    zero = load(data, prompt="mbpp-0shot")[0].config()["prompt_template"]
    assert zero["name"] == "mbpp-0shot" and zero["sha256"] != sha


def test_dataset_sha_follows_the_data(tmp_path, data):
    other = write_rows(tmp_path / "other.jsonl", [row(i) for i in IDS[:-1]] + [row(601, text="changed")])

    def sha(path, split=None):
        return load(path, split=split)[0].config()["dataset_sha256"]

    assert sha(data) == sha(data)
    # 601 is not in the test split: the fingerprint covers the selected problems only.
    assert sha(other) == sha(data)
    assert sha(other, "full") != sha(data, "full")


# --------------------------------------------------------------------------- bundled demo


def test_demo_loads_16_test_problems():
    task = MBPPDemo(TaskOptions())
    problems = task.load()
    assert ids(problems) == [str(i) for i in range(5, 21)]
    assert ids(task.shots) == ["2", "3", "4"]
    assert task.config()["source"] == "bundled:mbpp_demo.jsonl"
    assert task.config()["name"] == "mbpp-demo"


def test_demo_full_split_has_20():
    assert ids(MBPPDemo(TaskOptions(split="full")).load()) == [str(i) for i in range(1, 21)]


def test_demo_prompt_split():
    assert ids(MBPPDemo(TaskOptions(split="prompt")).load()) == ["1", "2", "3", "4"]


def test_demo_reference_round_trips():
    task = MBPPDemo(TaskOptions(split="full"))
    for problem in task.load():
        request = task.request(problem, 0, [])
        assert task.extract(problem, request.prefill + request.reference).strip() == problem.code.strip()


# --------------------------------------------------------------------------- user templates


CUSTOM = """
name = "custom"
shots = [2]
system = "Be brief."
user = "TASK {text}\\nTESTS\\n{tests}"
assistant = "<code>{code}</code>"
prefill = "<code>"
"""


def test_user_template_file(tmp_path, data):
    path = tmp_path / "custom.toml"
    path.write_text(CUSTOM)
    task, problems = load(data, prompt=str(path))
    request = task.request(problems[0], 0, [])
    assert [m.role for m in request.messages] == ["system", "user", "assistant", "user"]
    assert request.messages[0].content == "Be brief."
    assert request.messages[1].content.startswith("TASK Write a function f2 ")
    assert request.messages[2].content == f"<code>{task.shots[0].code}</code>"
    assert request.prefill == "<code>"
    assert request.reference == problems[0].code + "</code>"
    record = task.config()["prompt_template"]
    assert record == {"name": "custom", "file": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def test_user_template_name_defaults_to_the_file_stem(tmp_path, data):
    path = tmp_path / "plain.toml"
    path.write_text('user = "{text}"\nassistant = "{code}"\n')
    task, problems = load(data, prompt=str(path))
    assert task.config()["prompt_template"]["name"] == "plain"
    request = task.request(problems[0], 0, [])
    assert [m.role for m in request.messages] == ["user"]
    assert request.reference == problems[0].code


def test_template_with_bad_toml(tmp_path, data):
    path = tmp_path / "bad.toml"
    path.write_text('user = "unterminated\n')
    with pytest.raises(UserError, match=f"Prompt template {path} is not valid TOML"):
        MBPP(TaskOptions(data=data, prompt=str(path)))


def test_template_missing_fields(tmp_path, data):
    path = tmp_path / "half.toml"
    path.write_text('user = "{text}"\n')
    with pytest.raises(UserError, match="lacks the string field.*assistant"):
        MBPP(TaskOptions(data=data, prompt=str(path)))


def test_template_with_an_unknown_field(tmp_path, data):
    path = tmp_path / "odd.toml"
    path.write_text('user = "{text} {nope}"\nassistant = "{code}"\n')
    task, problems = load(data, prompt=str(path))
    with pytest.raises(UserError, match="unknown field or bad braces"):
        task.request(problems[0], 0, [])


def test_unknown_template_lists_the_bundled_ones(data):
    with pytest.raises(UserError, match=r"'mbpp-9shot' not found; bundled templates: .*mbpp-0shot, mbpp-3shot"):
        MBPP(TaskOptions(data=data, prompt="mbpp-9shot"))


def test_missing_template_file(tmp_path, data):
    with pytest.raises(UserError, match="not found"):
        MBPP(TaskOptions(data=data, prompt=str(tmp_path / "none.toml")))
