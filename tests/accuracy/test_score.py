"""The accuracy scorer's parsing and arithmetic, on a synthetic labels file and a tiny project.

The real benchmark (``score.py`` over the downloaded corpus) does not run in CI;
this checks that what it counts is what the labels and the CLI say.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from accuracy.labels import LabelError, enclosing_function, read_labels
from accuracy.score import Counts

ROOT = Path(__file__).resolve().parents[2]
SCORE = ROOT / "tests" / "accuracy" / "score.py"
SOURCE = "pypi:tinyapp==1.0"
HEADER = "source,path,line,function,rule,label,reason\n"

APP = """import asyncio
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/slow")
async def slow():
    time.sleep(1)
    return {}


@app.get("/also-slow")
async def also_slow():
    time.sleep(1)
    with open("data.txt") as f:
        return {"data": f.read()}


@app.get("/fine")
async def fine():
    await asyncio.sleep(1)
    count = 1
    time.sleep(count)
    return {"count": count}
"""

OTHER = """import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/other")
async def other():
    time.sleep(1)
"""

# slow:11 is reported and positive (TP); also_slow:17 is reported but labelled negative (FP);
# also_slow:18 is a reported open() (TP for FAP104); fine:24 is not reported, negative (TN);
# fine:25 is not reported but labelled positive (FN); fine:26 is reported and unlabelled
# (unjudged); other.py has no labels at all.
LABELS = HEADER + "\n".join(
    [
        f"{SOURCE},tinyapp/app.py,11,slow,FAP103,positive,time.sleep in an async route",
        f'{SOURCE},tinyapp/app.py,17,also_slow,FAP103,negative,"synthetic: labelled wrong, on purpose"',
        f"{SOURCE},tinyapp/app.py,18,also_slow,FAP104,positive,open in an async route",
        f"{SOURCE},tinyapp/app.py,24,fine,FAP103,negative,awaited asyncio.sleep",
        f"{SOURCE},tinyapp/app.py,25,fine,FAP103,positive,synthetic: nothing blocks here",
    ]
) + "\n"


def make_corpus(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    app_root = corpus / "src" / "tinyapp"
    (app_root / "tinyapp-1.0.dist-info").mkdir(parents=True)
    (app_root / "tinyapp-1.0.dist-info" / "METADATA").write_text("Name: tinyapp\nVersion: 1.0\n", encoding="utf-8")
    (app_root / "tinyapp").mkdir()
    (app_root / "tinyapp" / "app.py").write_text(APP, encoding="utf-8")
    (app_root / "tinyapp" / "other.py").write_text(OTHER, encoding="utf-8")
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "tinyapp.csv").write_text(LABELS, encoding="utf-8")
    return corpus, labels


def run_score(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    cli = f"{sys.executable} -m fastapi_perf"
    return subprocess.run(
        [sys.executable, str(SCORE), *args, "--cli", cli], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_counts_precision_and_recall(tmp_path: Path) -> None:
    corpus, labels = make_corpus(tmp_path)
    result = run_score(str(corpus), "--labels", str(labels), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)

    assert report["rules"] == ["FAP103", "FAP104"]
    fap103 = report["by_rule"]["FAP103"]
    assert (fap103["tp"], fap103["fp"], fap103["fn"], fap103["tn"]) == (1, 1, 1, 1)
    assert fap103["precision"] == pytest.approx(0.5) and fap103["recall"] == pytest.approx(0.5)
    fap104 = report["by_rule"]["FAP104"]
    assert (fap104["tp"], fap104["fp"], fap104["fn"], fap104["tn"]) == (1, 0, 0, 0)

    overall = report["overall"]
    assert (overall["labels"], overall["positives"], overall["negatives"]) == (5, 3, 2)
    assert overall["precision"] == pytest.approx(2 / 3) and overall["recall"] == pytest.approx(2 / 3)
    assert report["by_category"] == {"blocking": overall}

    [app] = report["applications"]
    assert app["app"] == "tinyapp" and app["source"] == SOURCE
    assert app["unjudged"] == 1 and app["outside_labelled_files"] == 1
    assert [(m["path"], m["line"], m["rule"]) for m in report["missed"]] == [("tinyapp/app.py", 25, "FAP103")]
    assert [(s["path"], s["line"], s["rule"]) for s in report["spurious"]] == [("tinyapp/app.py", 17, "FAP103")]
    assert [(u["path"], u["line"], u["rule"]) for u in report["unjudged"]] == [("tinyapp/app.py", 26, "FAP103")]
    assert report["warnings"] == [] and report["skipped"] == []


def test_text_and_markdown_reports_render_a_saved_run(tmp_path: Path) -> None:
    corpus, labels = make_corpus(tmp_path)
    saved = tmp_path / "run.json"
    run = run_score(str(corpus), "--labels", str(labels), "--json")
    assert run.returncode == 0, run.stderr
    saved.write_text(run.stdout, encoding="utf-8")
    text = run_score("--from-json", str(saved))
    assert text.returncode == 0, text.stderr
    assert "Missed positives (1)" in text.stdout and "tinyapp/app.py:25" in text.stdout
    assert "Unjudged findings in labelled files (1)" in text.stdout
    markdown = run_score("--from-json", str(saved), "--markdown")
    assert markdown.returncode == 0, markdown.stderr
    assert "| FAP103 | blocking | 4 | 2 | 2 | 1 | 1 | 1 | 1 | 0.50 | 0.50 |" in markdown.stdout
    assert "precision **0.67**, recall **0.67**" in markdown.stdout
    assert "| tinyapp | `tinyapp/app.py:17` | FAP103 | `also_slow` | synthetic: labelled wrong, on purpose |" in markdown.stdout


def test_stale_function_and_missing_application_are_reported(tmp_path: Path) -> None:
    corpus, labels = make_corpus(tmp_path)
    rows = LABELS.replace("25,fine,", "25,slow,")
    (labels / "tinyapp.csv").write_text(rows, encoding="utf-8")
    (labels / "gone.csv").write_text(
        HEADER + "github:someone/gone@" + "a" * 40 + ",main.py,3,root,FAP103,negative,never fetched\n", encoding="utf-8"
    )
    result = run_score(str(corpus), "--labels", str(labels), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["warnings"] == ["tinyapp:6: tinyapp/app.py:25 is in fine, the label says slow"]
    [(skipped)] = report["skipped"]
    assert skipped["app"] == "gone" and "no checkout of someone/gone" in skipped["reason"]


def test_repository_at_another_commit_is_not_scored(tmp_path: Path) -> None:
    corpus, labels = make_corpus(tmp_path)
    repos = tmp_path / "checkouts"
    (repos / "someone+svc").mkdir(parents=True)
    (repos / "someone+svc" / "main.py").write_text(OTHER, encoding="utf-8")
    (repos / "COMMITS.txt").write_text("someone/svc " + "b" * 40 + "\n", encoding="utf-8")
    (labels / "svc.csv").write_text(
        HEADER + "github:someone/svc@" + "a" * 40 + ",main.py,10,other,FAP103,positive,time.sleep\n", encoding="utf-8"
    )
    result = run_score(str(corpus), "--repos", str(repos), "--labels", str(labels), "--app", "svc", "--json")
    assert result.returncode == 0, result.stderr
    [(skipped)] = json.loads(result.stdout)["skipped"]
    assert "the labels are for " + "a" * 40 in skipped["reason"]

    (repos / "COMMITS.txt").write_text("someone/svc " + "a" * 40 + "\n", encoding="utf-8")
    result = run_score(str(corpus), "--repos", str(repos), "--labels", str(labels), "--app", "svc", "--json")
    assert json.loads(result.stdout)["overall"]["tp"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("path,line\n", "the header must be exactly"),
        (HEADER + f"{SOURCE},a.py,3,f,FAP103,maybe,why\n", "label 'maybe' must be positive or negative"),
        (HEADER + f"{SOURCE},a.py,0,f,FAP103,positive,why\n", "line '0' must be a positive integer"),
        (HEADER + f"{SOURCE},/abs.py,3,f,FAP103,positive,why\n", "must be a POSIX path relative"),
        (HEADER + f"{SOURCE},a.py,3,f,E501,positive,why\n", "is not a FAPxxx code"),
        (HEADER + "pypi:tinyapp,a.py,3,f,FAP103,positive,why\n", "is neither pypi:NAME==VERSION"),
        (HEADER + f"{SOURCE},a.py,3,f,FAP103,positive,why, with a comma\n", "8 fields, expected 7"),
        (HEADER + f"{SOURCE},a.py,3,f,FAP103,positive,why\n{SOURCE},a.py,3,g,FAP103,negative,why\n", "already labelled"),
        (HEADER + f"{SOURCE},a.py,3,f,FAP103,positive,why\npypi:other==2,a.py,4,f,FAP103,positive,why\n", "one application"),
    ],
)
def test_bad_labels_are_refused_with_the_row(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "app.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LabelError, match=message):
        read_labels(path)


def test_bad_labels_file_exits_2_with_a_message(tmp_path: Path) -> None:
    corpus, labels = make_corpus(tmp_path)
    (labels / "tinyapp.csv").write_text(HEADER + f"{SOURCE},a.py,x,f,FAP103,positive,why\n", encoding="utf-8")
    result = run_score(str(corpus), "--labels", str(labels))
    assert result.returncode == 2
    assert "tinyapp.csv:2: line 'x' must be a positive integer" in result.stderr


def test_counts_without_flagged_sites_have_no_precision() -> None:
    counts = Counts(fn=2, tn=1)
    assert counts.precision is None and counts.recall == 0.0
    assert counts.as_dict()["labels"] == 3


def test_enclosing_function_counts_decorators_and_nesting() -> None:
    import ast

    tree = ast.parse("@app.get('/')\nasync def outer():\n    def inner():\n        pass\n    return 1\nx = 1\n")
    assert [enclosing_function(tree, line) for line in range(1, 7)] == ["outer", "outer", "inner", "inner", "outer", "<module>"]


def test_syntax_errors_are_counted_apart_not_unjudged(tmp_path: Path) -> None:
    corpus, labels = make_corpus(tmp_path)
    broken = OTHER + "\n\ndef half(:\n    pass\n"
    (corpus / "src" / "tinyapp" / "tinyapp" / "other.py").write_text(broken, encoding="utf-8")
    (labels / "tinyapp.csv").write_text(
        HEADER + f"{SOURCE},tinyapp/other.py,10,other,FAP103,positive,time.sleep in an async route\n", encoding="utf-8"
    )
    result = run_score(str(corpus), "--labels", str(labels), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    [app] = report["applications"]
    assert (app["tp"], app["unjudged"], app["syntax_errors"]) == (1, 0, 1)
    assert [(e["path"], e["line"]) for e in report["syntax_errors"]] == [("tinyapp/other.py", 13)]
    assert report["warnings"] == [
        "tinyapp:2: cannot check the functions of the labels in tinyapp/other.py: invalid syntax (<unknown>, line 13)"
    ]
