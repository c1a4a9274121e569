"""Command-line usage errors speak Korean first, keep argparse's English, say where help is,
and exit with status 2."""

import pytest

from sijeong.cli import korean_usage_error, main


@pytest.mark.parametrize("argv, korean", [
    (["check", "--yaer", "2020"], "알 수 없는 인자입니다: --yaer 2020"),
    ([], "다음 인자가 필요합니다: command"),
    (["direction", "sideways", "--department", "a", "--indicator", "b"], "direction에 쓸 수 없는 값입니다"),
    (["check", "--year", "abc"], "--year의 값이 올바르지 않습니다(int): 'abc'"),
    (["check", "--year"], "--year 뒤에 값이 하나 필요합니다"),
])
def test_usage_errors_are_korean_first(argv, korean, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if "오류 / error:" in x)
    assert korean in line
    # Korean first, argparse's English after it
    assert line.index(korean) < line.index(" / ", line.index(korean))
    assert "--help" in err.splitlines()[-1]


def test_an_unknown_message_still_starts_in_korean():
    assert korean_usage_error("something new").startswith("명령줄 인자가 올바르지 않습니다 / something new")


def test_particles_come_from_the_josa_helper():
    # an option name ends in a Latin letter whose reading is not known: both forms, as josa() prints them
    assert korean_usage_error("argument --a: not allowed with argument --b").startswith("--a은(는) --b과(와) 함께 쓸 수 없습니다")
