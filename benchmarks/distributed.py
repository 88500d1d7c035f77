"""Per-step time of data-parallel training against one device on the same global batch.

    python benchmarks/distributed.py [--backends jax] [--devices 1,2,4,8] [--batch-size 256]
                                     [--steps 20] [--repeats 3] [--json results.json]

Each backend's rows come from one function in `ROWS` (`rows(args) -> list of dicts`) that runs
its measurements in a child process of its own. JAX: one process with as many XLA host devices
as the largest `--devices`; an MLP (512-1024-1024-10, Adam) trains `--steps` steps of the
global batch with no distribution ("single") and with `DataParallel` over 1, 2, 4 and 8 of
those devices, after a compiling warm-up; the median over `--repeats` timed runs is reported.

Host devices are threads on this machine's CPU cores: with fewer cores than devices the
numbers measure the overhead of splitting a batch (transfers, collectives, dispatch), not the
speedup real accelerators give. (On a CPU mesh the JAX trainer also waits for each step before
dispatching the next: see `cornu.backend.jax.distribution.blocks_each_step`.)
"""

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import time


def _mlp_case(batch_size, steps):
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch_size * steps, 512)).astype("float32")
    y = rng.integers(0, 10, size=(batch_size * steps,)).astype("int32")
    return x, y


def _build_mlp(seed=None):
    """The benchmarked MLP (512-1024-1024-10, Adam), compiled; seeded when `seed` is given."""
    import cornu

    if seed is not None:
        cornu.utils.set_random_seed(seed)
    model = cornu.Sequential(
        [
            cornu.Input((512,)),
            cornu.layers.Dense(1024, activation="relu"),
            cornu.layers.Dense(1024, activation="relu"),
            cornu.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=cornu.optimizers.Adam(1e-3),
        loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def _time_fit(build, x, y, batch_size, repeats):
    """Median seconds per step of `fit` on (x, y) after one compiling warm-up."""
    import jax

    model = build()
    model.fit(x[: 2 * batch_size], y[: 2 * batch_size], batch_size=batch_size, verbose=0)
    steps = len(x) // batch_size
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=False)
        jax.block_until_ready([v.value for v in model.weights])
        times.append((time.perf_counter() - start) / steps)
    return statistics.median(times)


def jax_child(args):
    """Runs in the child process (XLA_FLAGS already set); prints the rows as JSON."""
    from cornu import distribution

    build = functools.partial(_build_mlp, seed=0)

    x, y = _mlp_case(args.batch_size, args.steps)
    rows = [
        {"config": "single", "devices": 1,
         "s_per_step": _time_fit(build, x, y, args.batch_size, args.repeats)}
    ]  # fmt: skip
    devices = distribution.list_devices()
    for count in args.device_counts:
        with distribution.DataParallel(devices=devices[:count]).scope():
            seconds = _time_fit(build, x, y, args.batch_size, args.repeats)
        rows.append({"config": "DataParallel", "devices": count, "s_per_step": seconds})
        print(f"DataParallel over {count}: {1000 * seconds:.2f} ms/step", file=sys.stderr)
    print(json.dumps(rows))


def jax_rows(args):
    """The JAX rows, measured in a child process with `max(devices)` host devices."""
    env = dict(os.environ, CORNU_BACKEND="jax")
    # A collective waits for every device's thread; on a loaded machine with fewer cores than
    # devices a thread can arrive late, and XLA aborts the process after its default timeout.
    env["XLA_FLAGS"] = (
        f"--xla_force_host_platform_device_count={max(args.device_counts)} "
        "--xla_cpu_collective_call_terminate_timeout_seconds=300 "
        "--xla_cpu_collective_timeout_seconds=300"
    )
    command = [sys.executable, os.path.abspath(__file__), "--child", "jax"] + _passed(args)
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    if run.returncode:
        raise RuntimeError(f"the jax child failed:\n{run.stderr[-3000:]}")
    return [dict(row, backend="jax") for row in json.loads(run.stdout.strip().splitlines()[-1])]


def torch_child(args):
    """Runs in each process of a torch job (RANK, WORLD_SIZE, MASTER_* set by `torch_rows`):
    the MLP of `jax_child` with or without DataParallel; process 0 prints its row as JSON."""
    import torch

    from cornu import distribution

    processes = int(os.environ["WORLD_SIZE"])
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // processes))  # (the cores, shared)
    distribution.initialize()
    if os.environ["BENCH_CONFIG"] == "DataParallel":
        distribution.set_distribution(distribution.DataParallel())

    build = _build_mlp

    x, y = _mlp_case(args.batch_size, args.steps)
    model = build()
    model.fit(x[: 2 * args.batch_size], y[: 2 * args.batch_size], batch_size=args.batch_size,
              verbose=0)  # fmt: skip
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0, shuffle=False)
        times.append((time.perf_counter() - start) / args.steps)
    if os.environ["RANK"] == "0":
        row = {"config": os.environ["BENCH_CONFIG"], "devices": processes}
        print(json.dumps(dict(row, s_per_step=statistics.median(times))))


def torch_rows(args):
    """The torch rows: one process without a distribution ("single"), and DataParallel over
    1, 2, ... processes (one per device; CPU processes here, gloo, at most one per core),
    each on its slice of the same global batch."""
    import socket

    counts = [n for n in args.device_counts if n <= max(2, os.cpu_count() or 1)]
    rows = []
    for config, processes in [("single", 1)] + [("DataParallel", n) for n in counts]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        command = [sys.executable, os.path.abspath(__file__), "--child", "torch"]
        env = dict(os.environ, CORNU_BACKEND="torch", BENCH_CONFIG=config)
        env.update(WORLD_SIZE=str(processes), MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
        pipes = dict(stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        children = [
            subprocess.Popen(command + _passed(args), env=dict(env, RANK=str(rank)), **pipes)
            for rank in range(processes)
        ]
        outputs = [child.communicate(timeout=1800) for child in children]
        if any(child.returncode for child in children):
            raise RuntimeError(f"a torch process failed:\n{outputs[0][1][-3000:]}")
        rows.append(dict(json.loads(outputs[0][0].strip().splitlines()[-1]), backend="torch"))
    return rows


# One function per backend: `rows(args)` -> [{"backend", "config", "devices", "s_per_step"}].
ROWS = {"jax": jax_rows, "torch": torch_rows}
CHILDREN = {"jax": jax_child, "torch": torch_child}


def _passed(args):
    return [
        "--devices", ",".join(map(str, args.device_counts)), "--batch-size", str(args.batch_size),
        "--steps", str(args.steps), "--repeats", str(args.repeats),
    ]  # fmt: skip


def report(rows, args):
    cores = os.cpu_count()
    print(
        f"global batch {args.batch_size}, {args.steps} steps per timed run, median of "
        f"{args.repeats}; {cores} CPU cores"
    )
    print(f"{'backend':<10} {'config':<14} {'devices':>7} {'ms/step':>9} {'vs single':>10}")
    single = {r["backend"]: r["s_per_step"] for r in rows if r["config"] == "single"}
    for row in rows:
        ratio = row["s_per_step"] / single[row["backend"]] if row["backend"] in single else None
        print(
            f"{row['backend']:<10} {row['config']:<14} {row['devices']:>7} "
            f"{1000 * row['s_per_step']:>9.2f} {ratio if ratio is None else f'{ratio:.2f}x':>10}"
        )
    if cores is not None and cores < max(args.device_counts):
        print(
            f"Note: {max(args.device_counts)} host devices share {cores} CPU cores, so these "
            "figures measure the overhead of splitting each batch over devices (transfers, "
            "collectives, dispatch), not a speedup: real accelerators run their shards in "
            "parallel."
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="jax")
    parser.add_argument("--devices", default="1,2,4,8")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.device_counts = [int(n) for n in args.devices.split(",")]
    if args.child:
        CHILDREN[args.child](args)
        return
    rows = []
    for backend in args.backends.split(","):
        rows += ROWS[backend](args)
    report(rows, args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
