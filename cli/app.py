"""The ``memsim`` command: thin Click commands that load, run, save and print (no physics here)."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click

from memsim.errors import MemsimError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# ------------------------------------------------------------------------------ errors ------
@contextlib.contextmanager
def format_exceptions(debug: bool) -> Iterator[None]:
    """Print user errors as one red paragraph and exit 1; tracebacks only with --debug."""
    try:
        yield
    except MemsimError as exc:
        if debug:
            raise
        _error_panel(str(exc), "memsim: error")
        sys.exit(1)
    except KeyboardInterrupt as exc:
        _stop(exc, "nothing of this run was saved and earlier results were left as they were")
    except click.exceptions.Exit:
        raise
    except (click.ClickException, click.Abort):
        raise
    except MemoryError:
        if debug:
            raise
        _error_panel(
            "the run ran out of memory (the machine's, or this process's limit such as ulimit -v)"
            "; nothing of this run was saved and earlier results were left as they were. Make "
            "the sizes smaller (patterns, cues, trials, sweeps or steps)",
            "memsim: error",
        )
        sys.exit(1)
    except Exception as exc:  # a bug, not bad input: still no traceback by default
        if debug:
            raise
        from memsim.registry import KindError

        if isinstance(exc, KindError):
            _error_panel(
                f"{exc}. This is a problem in that model kind's code, not in your scenario; "
                "re-run with --debug to see the traceback",
                "memsim: broken model kind",
            )
            sys.exit(3)
        _error_panel(
            f"{type(exc).__name__}: {exc}. This is a bug in memsim, not in your "
            "scenario; re-run with --debug to see the traceback and please report it.",
            "memsim: internal error",
        )
        sys.exit(3)


def _stop(exc: KeyboardInterrupt, what: str) -> None:
    """Say why the run stopped (Ctrl-C, or SIGTERM/SIGHUP) and what was kept; exit 130/143."""
    signal = isinstance(exc, Terminated)
    how = "stopped by a signal" if signal else "interrupted by the user"
    _error_panel(f"{how}; {what}", "memsim")
    sys.exit(143 if signal else 130)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, turned into an exception so that a stopped run cleans up like Ctrl-C
    (staging folders removed, checkpoints kept, earlier results untouched)."""


def _on_signal(signum, frame):  # pragma: no cover - exercised in subprocess tests
    raise Terminated(signum)


def _install_signal_handlers() -> None:
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                signal.signal(sig, _on_signal)
            except (ValueError, OSError):  # pragma: no cover - not the main thread
                pass


def _error_panel(message: str, title: str) -> None:
    """A red panel on a terminal; one plain line (``title: message``) when piped or captured."""
    from rich.console import Console
    from rich.panel import Panel
    from rich.text import Text

    console = Console(stderr=True)
    if console.is_terminal:
        console.print(
            Panel(Text(message), title=title, title_align="left", border_style="red", expand=False)
        )
    else:
        click.echo(f"{title}: {message}", err=True)


# ------------------------------------------------------------------------------ progress ----
class RichProgress:
    """memsim.experiments.Progress drawn with rich (to stderr)."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self._bar = None
        self._task = None

    def start(self, label: str, total: int) -> None:
        if self.quiet:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            "eta",
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task(label, total=total)

    def advance(self, steps: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, steps)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


# ------------------------------------------------------------------------------ options -----
def _common_run_options(f):
    opts = [
        click.argument("scenario", type=click.Path(dir_okay=True, path_type=Path)),
        click.option(
            "--out",
            "-o",
            type=str,
            default=None,
            help="Results folder [default: results/<scenario name> for recall, "
            "results/<scenario name>.capacity for capacity].",
        ),
        click.option(
            "--force", is_flag=True, help="Replace an existing, non-empty results folder."
        ),
        click.option("--seed", type=int, default=None, help="Override run.seed."),
        click.option(
            "--threads", type=int, default=None, help="Numba threads (results do not depend on it)."
        ),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary table."),
        click.option("--no-plots", is_flag=True, help="Do not draw PNG plots."),
        click.option(
            "--set",
            "overrides",
            multiple=True,
            metavar="FIELD=VALUE",
            help="Override a scenario field, e.g. --set model.max_sweeps=20 "
            "(repeatable; validated like the file).",
        ),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="memsim", prog_name="memsim")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """memsim: simulate associative and external memory from YAML scenarios.

    \b
    memsim validate scenarios/hebbian_letters.yaml    check a scenario without running it
    memsim recall   scenarios/hebbian_letters.yaml    cue stored patterns, run the dynamics
    memsim capacity scenarios/hebbian_capacity.yaml   sweep the load, measure retrieval
    memsim report   results/hebbian_letters           rebuild a results folder's page

    Results (results.json, tidy CSV tables, arrays.npz, PNG plots and index.html, a page
    showing them all) go to results/<name>/ (recall) and results/<name>.capacity/ (capacity).
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _typed_overrides(seed, threads) -> dict:
    """--seed and --threads as typed scenario values (no round trip through YAML text)."""
    out = {}
    if seed is not None:
        out["run.seed"] = seed
    if threads is not None:
        out["run.threads"] = threads
    return out


@cli.command(context_settings=CONTEXT)
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Override a scenario field (repeatable).",
)
@click.option(
    "--command",
    "command",
    type=click.Choice(["recall", "capacity"]),
    default=None,
    help="Also check that this command can run the scenario.",
)
@click.pass_context
def validate(
    ctx: click.Context, scenario: Path, overrides: tuple[str, ...], command: str | None
) -> None:
    """Check a scenario file (syntax, keys, types, ranges, files, memory) without running it."""
    with format_exceptions(ctx.obj["debug"]):
        from memsim.experiments import check_runnable
        from memsim.scenario import load_scenario

        sc = load_scenario(scenario, overrides)
        if command:
            check_runnable(sc, command, str(scenario))
        commands = "recall" + (", capacity" if sc.capacity is not None else "")
        click.echo(f"{scenario}: valid (name {sc.name}, model {sc.model.kind}; runs: {commands})")


def _run_command(
    ctx, command, scenario, out, force, seed, threads, quiet, no_plots, overrides, sweep=None
):
    """Load and check once, run, then write the results folder through memsim's contract
    (staged beside the target, moved into place when complete; see memsim.folders)."""
    t_start = time.perf_counter()
    with format_exceptions(ctx.obj["debug"]):
        from memsim.experiments import check_runnable
        from memsim.folders import check_disk, check_replaceable, check_target, staged
        from memsim.registry import get
        from memsim.results import output_bytes, write_into
        from memsim.scenario import load_scenario

        if threads is not None and threads < 1:
            raise MemsimError(f"--threads must be >= 1, got {threads}")
        sched = _scheduler(sweep) if sweep is not None else None
        sc = load_scenario(scenario, overrides, _typed_overrides(seed, threads))
        check_runnable(sc, command, str(scenario))
        target = check_target(out if out is not None else default_folder(sc.name, command))
        notes = _thread_notes(threads)
        kind = get(sc.model.kind)
        if sweep is not None:
            tasks = kind.sweep()
            if tasks is not None:
                points = tasks[0](sc)
                _run_sweep(
                    sc,
                    points,
                    target,
                    sched,
                    force,
                    quiet,
                    no_plots,
                    sweep["resume"],
                    notes,
                    t_start,
                )
                return
            if sweep["scheduler"] != "local" or sweep["resume"]:
                raise MemsimError(
                    f"--scheduler dask and --resume need a task-based sweep; model kind "
                    f"'{sc.model.kind}' runs its sweep in one piece (use the defaults)"
                )
        check_replaceable(target, force)
        check_disk(target, 0)
        runner = kind.runner(command)  # checked once above: no second check
        with _collect_warnings() as caught:
            result = _with_command_line(runner(sc, scenario.parent, RichProgress(quiet)))
            with staged(target, force, expected_bytes=output_bytes(result)) as tmp:
                drawn = [] if no_plots else _plots(result, tmp, sc, quiet)
                write_into(result, tmp, drawn)
        if not quiet:
            _print_summary(result, target, caught, notes, time.perf_counter() - t_start)


def _command_line() -> str:
    """The memsim command of this run as a shell line, rebuilt from the parameters given on
    the command line (recorded in results.json and shown on the results page)."""
    import shlex

    from click.core import ParameterSource

    ctx = click.get_current_context(silent=True)
    if ctx is None:  # pragma: no cover - always inside a command
        return ""
    words = ["memsim", ctx.info_name or ""]
    for param in ctx.command.params:
        source = ctx.get_parameter_source(param.name)
        if source not in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
            continue
        value = ctx.params.get(param.name)
        if isinstance(param, click.Argument):
            words.append(str(value))
            continue
        opt = max(param.opts, key=len)
        if getattr(param, "is_flag", False):
            if value:
                words.append(opt)
        elif param.multiple:
            for v in value:
                words += [opt, str(v)]
        elif value is not None:
            words += [opt, str(value)]
    return shlex.join(words)


def _with_command_line(result):
    """The result with its command line in ``meta`` (a new Result: results are never changed)."""
    import dataclasses

    return dataclasses.replace(result, meta={**result.meta, "command_line": _command_line()})


def default_folder(name: str, command: str) -> Path:
    """``results/<name>`` for recall, ``results/<name>.capacity`` for capacity (so both
    commands of one scenario keep their results; a name never holds a dot, so it cannot
    collide with another scenario's folder)."""
    return Path("results") / (name if command == "recall" else f"{name}.capacity")


def _scheduler(sweep: dict):
    from memsim.experiments.distributed import Scheduler

    for name, v in (("--workers", sweep["workers"]), ("--threads-per-worker", sweep["tpw"])):
        if v is not None and v < 1:
            raise MemsimError(f"{name} must be >= 1, got {v}")
    return Scheduler(
        sweep["scheduler"],
        workers=sweep["workers"],
        threads_per_worker=sweep["tpw"],
        address=sweep["address"],
    )


@cli.command(context_settings=CONTEXT)
@_common_run_options
@click.pass_context
def recall(ctx, scenario, out, force, seed, threads, quiet, no_plots, overrides) -> None:
    """Store the scenario's patterns, cue them and run the dynamics.

    Writes results.json, cues.csv (one row per trial and cue), trace.csv (one row per trial, cue
    and sweep), arrays.npz and plots (energy, overlap, pictures for 2-D patterns).
    """
    _run_command(ctx, "recall", scenario, out, force, seed, threads, quiet, no_plots, overrides)


# ------------------------------------------------- capacity: backends and checkpoints -----
# (issue 9: --scheduler/--workers/--threads-per-worker/--address/--resume; the sweep itself is
# memsim.experiments.distributed.run_capacity_sweep)
def _sweep_options(f):
    opts = [
        click.option(
            "--scheduler",
            type=click.Choice(["local", "dask"]),
            default="local",
            show_default=True,
            help="Where the tasks run: in this process, or on Dask (an embedded LocalCluster, "
            "or an existing cluster with --address). The numbers are the same.",
        ),
        click.option(
            "--workers",
            type=int,
            default=None,
            help="Dask: worker processes of the embedded LocalCluster "
            "[default: cores / threads-per-worker].",
        ),
        click.option(
            "--threads-per-worker",
            type=int,
            default=None,
            help="Dask: Numba threads of each worker [default: --threads, else cores / workers].",
        ),
        click.option(
            "--address",
            default=None,
            metavar="tcp://HOST:PORT",
            help="Dask: the scheduler of an existing cluster (instead of a LocalCluster).",
        ),
        click.option(
            "--resume",
            is_flag=True,
            help="Continue an interrupted run in the results folder: compute only the trials "
            "missing from its checkpoint (no --force needed).",
        ),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def _run_sweep(sc, points, target, sched, force, quiet, no_plots, resume, notes, t_start) -> None:
    """`memsim capacity` of a task-based sweep over ``points`` (the kind's capacity_points):
    checkpointed in <target>.partial (kept after an interruption, for --resume), moved to the
    target when the sweep and its files are done."""
    from memsim.experiments.checkpoint import open_sweep, strip_outputs
    from memsim.experiments.distributed import run_capacity_sweep
    from memsim.folders import check_disk, commit, remove_listed
    from memsim.results import output_bytes, write_into

    check_disk(target, 0)
    ck = open_sweep(target, sc, points, resume=resume, force=force)
    part = ck.folder
    total = len(points) * sc.run.trials

    def note(msg: str) -> None:
        if not quiet:
            click.echo(msg, err=True)

    dropped = ck.dropped_note()
    if dropped:
        click.echo(f"note: {dropped}", err=True)
    caught: dict = {}
    try:
        with _collect_warnings() as caught:
            result = run_capacity_sweep(
                sc, sched, checkpoint=ck, progress=RichProgress(quiet), log=note
            )
    except KeyboardInterrupt as exc:
        saved = ck.saved_trials()  # from the file: the interrupt may precede done's update
        if not saved:
            remove_listed(part)
            raise
        _stop(
            exc,
            f"{saved} of {total} trials are saved in {ck.rows_path} (the results folder "
            f"{target} was not touched). Run the same command with --resume to compute only "
            "the rest",
        )
    except BaseException:
        if part.is_dir() and not ck.saved_trials():
            remove_listed(part)
        raise
    finally:
        ck.close()  # release the folder's lock
    if dropped:  # a new Result with the note (a Result is never changed once made)
        import dataclasses

        result = dataclasses.replace(
            result, meta={**result.meta, "notes": [*result.meta.get("notes", []), dropped]}
        )
    result = _with_command_line(result)
    try:
        check_disk(part, output_bytes(result))
        with _collect_warnings(caught):
            drawn = [] if no_plots else _plots(result, part, sc, quiet)
        write_into(result, part, drawn)
        commit(part, target, force or resume)
    except KeyboardInterrupt as exc:
        strip_outputs(part)
        _stop(
            exc,
            f"the tables and plots were not written, but the sweep itself is complete: all "
            f"{len(ck.done)} trials are saved in {ck.rows_path} (the results folder {target} was "
            "not touched). Run the same command with --resume to write the results without "
            "computing anything again",
        )
    except BaseException as exc:
        strip_outputs(part)
        if isinstance(exc, OSError):
            raise MemsimError(
                f"writing the results of {target} failed ({exc.strerror or exc}); the sweep's "
                f"checkpoint is kept in {part}: free some space and run the same command with "
                "--resume"
            ) from None
        raise
    if not quiet:
        _print_summary(result, target, caught, notes, time.perf_counter() - t_start)
    failed = result.summary.get("failed_points")
    if failed:
        raise MemsimError(
            f"{len(failed)} of {len(points)} points failed (listed in results.json, "
            f"summary.failed_points); the other points were saved in {target}. Run the same "
            "command with --resume to retry only the failed ones"
        )


@cli.command(context_settings=CONTEXT)
@_common_run_options
@_sweep_options
@click.pass_context
def capacity(
    ctx,
    scenario,
    out,
    force,
    seed,
    threads,
    quiet,
    no_plots,
    overrides,
    scheduler,
    workers,
    threads_per_worker,
    address,
    resume,
) -> None:
    """Sweep the load P/N (the scenario's 'capacity' section) and measure retrieval.

    Writes capacity.csv (one row per size, load and trial), capacity_summary.csv (mean and
    standard error per point), results.json and capacity.png. Finished tasks (a point and a
    block of its trials) are appended to checkpoint.jsonl as they complete, so an interrupted
    run continues with --resume. Run on a Dask cluster with --scheduler dask (docs/cluster.md).
    """
    sweep = {
        "scheduler": scheduler,
        "workers": workers,
        "tpw": threads_per_worker,
        "address": address,
        "resume": resume,
    }
    _run_command(
        ctx, "capacity", scenario, out, force, seed, threads, quiet, no_plots, overrides, sweep
    )


@cli.command(context_settings=CONTEXT)
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="The comparison page (two folders only) [default: compare-<DIR1>-<DIR2>.html in the "
    "current folder].",
)
@click.pass_context
def report(ctx, folders: tuple[Path, ...], out: Path | None) -> None:
    """Rebuild the page of a results folder, or put two runs side by side.

    \b
    memsim report results/hebbian_letters        rewrite results/hebbian_letters/index.html
    memsim report results/run1 results/run2      write compare-run1-run2.html

    One folder: rewrites its index.html (plots embedded, summary, tables, scenario, versions)
    and that file's entry in memsim-manifest.json; nothing else is touched. A folder memsim did
    not write (no valid memsim-manifest.json), or an index.html memsim did not write, is
    refused.

    Two folders: writes one page with the scenario fields that differ highlighted, and the
    summaries and plots side by side. An existing file at --out is replaced only when it is a
    comparison page memsim wrote and nobody changed since; anything else is refused.
    """
    with format_exceptions(ctx.obj["debug"]):
        from memsim.report import rebuild_page, write_comparison

        if len(folders) > 2:
            raise MemsimError(
                f"memsim report takes one results folder (to rebuild its page) or two (to "
                f"compare them), got {len(folders)}: {', '.join(map(str, folders))}"
            )
        if len(folders) == 1:
            if out is not None:
                raise MemsimError(
                    "--out is for the comparison page of two folders; the page of one results "
                    f"folder is always {folders[0]}/index.html"
                )
            page = rebuild_page(folders[0])
        else:
            page = write_comparison(folders[0], folders[1], out)
        click.echo(f"page written: {page}")


def _thread_notes(threads: int | None) -> list[str]:
    """A note when --threads asks for more threads than this machine has (it is capped)."""
    if threads is None:
        return []
    import numba

    avail = numba.config.NUMBA_NUM_THREADS
    if threads <= avail:
        return []
    return [
        f"--threads {threads} is more than the {avail} threads this machine runs at once; "
        f"using {avail} (the results do not depend on the thread count)"
    ]


@contextlib.contextmanager
def _collect_warnings(into: dict | None = None):
    """Record Python warnings instead of printing them: (category, message) -> count, printed
    once each by _print_summary (warnings are not lost: the summary lists every distinct one)."""
    import warnings

    seen: dict = {} if into is None else into
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        try:
            yield seen
        finally:
            for w in records:
                key = (w.category.__name__, str(w.message))
                seen[key] = seen.get(key, 0) + 1


def _plots(result, folder: Path, sc, quiet: bool) -> list[str]:
    """Draw the scenario's plots, showing which one is being drawn (some take seconds)."""
    from memsim.plotting import make_plots

    if quiet:
        return make_plots(result, folder, sc.output.plots)
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("drawing plots") as status:

        def on_plot(name: str, i: int, n: int) -> None:
            status.update(f"drawing plot {i + 1} of {n}: {name}.png")

        return make_plots(result, folder, sc.output.plots, on_plot=on_plot)


def _print_summary(result, folder: Path, caught=None, notes=(), seconds=None) -> None:
    """The kind's declared summary (memsim.registry.Summary), else every scalar of the summary;
    then the finite-size fit, warnings (each distinct one once), notes and the results folder
    with the total wall time (run, plots and files)."""
    from rich.console import Console
    from rich.markup import escape

    from memsim.registry import get

    console = Console()
    if not console.is_terminal:  # piped or captured: no terminal width to fit, keep rows whole
        console = Console(width=max(console.width, 160))
    spec = get(result.kind).summaries.get(result.command)
    if spec is None:
        t = _generic_summary(result)
    elif spec.table is not None:
        t = _table_summary(result, spec)
    else:
        t = _rows_summary(result, spec)
    console.print(t)
    fit = result.summary.get("finite_size_fit")
    if fit:
        console.print(
            f"finite-size extrapolation: alpha_c(N -> inf) = {fit['alpha_inf']:.4f} ± "
            f"{fit['alpha_inf_stderr']:.4f} ({escape(str(fit['model']))}, exponent "
            f"{fit['exponent']})"
        )
    counts: dict[str, int] = {}
    for w in result.meta.get("warnings", []):
        counts[str(w)] = counts.get(str(w), 0) + 1
    for (_, msg), n in (caught or {}).items():
        counts[msg] = counts.get(msg, 0) + n
    for msg, n in counts.items():
        times = f" ({n} times)" if n > 1 else ""
        console.print(f"[yellow]warning:[/yellow] {escape(msg)}{times}")
    for note in [*notes, *result.meta.get("notes", [])]:
        console.print(f"[cyan]note:[/cyan] {escape(str(note))}")
    total = result.meta["seconds"] if seconds is None else seconds
    console.print(
        f"results in [bold]{escape(str(folder))}[/bold] ({total:.2f} s in all; the run "
        f"{result.meta['seconds']:.2f} s)"
    )


def _cell(value, fmt: str) -> str:
    if fmt == "pct":
        return f"{value:.1%}"
    if isinstance(value, float) and value != value:
        return "n/a"
    return format(value, fmt) if fmt else str(value)


def _title(result):
    from rich.markup import escape

    return escape(f"{result.scenario.name}: {result.command}")


def _table_summary(result, spec):
    """One row per row of the declared table; the swept axes first (those that vary)."""
    from rich.table import Table
    from rich.text import Text

    tab = result.tables[spec.table]
    n = len(next(iter(tab.values()))) if tab else 0
    axes = [c for c in spec.axes if c.key in tab and len(set(tab[c.key].tolist())) > 1]
    t = Table(title=_title(result), title_justify="left")
    for c in (*axes, *spec.columns):
        t.add_column(Text(c.label), justify="left" if c in axes else "right", no_wrap=True)
    for i in range(n):
        cells = []
        for c in (*axes, *spec.columns):
            text = _cell(tab[c.key][i], c.fmt) if c.key in tab else ""
            if c.sem and c.sem in tab:
                text += f" ± {_cell(float(tab[c.sem][i]), '.3f')}"
            cells.append(Text(text))
        t.add_row(*cells)
    return t


def _rows_summary(result, spec):
    """Label/value rows from Result.summary (a key, or a str.format template over it)."""
    from rich.table import Table
    from rich.text import Text

    s = result.summary
    t = Table(title=_title(result), title_justify="left", show_header=False)
    t.add_column("", style="bold")
    t.add_column("", justify="right")
    for c in spec.columns:
        label = c.label.format(**s) if "{" in c.label else c.label
        value = c.key.format(**s) if "{" in c.key else _cell(s[c.key], c.fmt)
        t.add_row(Text(label), Text(value))
    return t


def _generic_summary(result):
    """Key/value table of a result's scalar summary numbers (kinds without declared columns)."""
    from rich.table import Table
    from rich.text import Text

    t = Table(title=_title(result), title_justify="left", show_header=False)
    t.add_column("", style="bold")
    t.add_column("", justify="right")

    def fmt(v):
        if isinstance(v, float):
            return f"{v:.4g}"
        if isinstance(v, list | tuple) and len(v) <= 8:
            return ", ".join(fmt(x) for x in v)
        return str(v)

    for k, v in result.summary.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                if not isinstance(v2, dict | list):
                    t.add_row(Text(f"{k}: {k2}".replace("_", " ")), Text(fmt(v2)))
        elif not (isinstance(v, list | tuple) and len(v) > 8):
            t.add_row(Text(k.replace("_", " ")), Text(fmt(v)))
    return t


def main() -> None:
    """Entry point of the ``memsim`` console script."""
    _install_signal_handlers()
    cli(obj={})


if __name__ == "__main__":  # pragma: no cover
    main()
