"""Each process's slice of a global batch, for training over several processes.

Under a multi-process DataParallel distribution (torch), `fit(x, y, batch_size=64)` over 2
processes gives each process 32 rows of every global batch of 64: process `r` takes the
`r`-th of `num_processes` consecutive slices, so together they train on the batch one
process would have taken. A final batch that does not split evenly gives the first
processes one row more (the gradients are weighted by each process's row count).
"""

import warnings

from cornu import tree


def is_split_already(adapter):
    """Whether the data already gives each process its own part: a torch DataLoader with a
    `DistributedSampler` (its batches are this process's)."""
    sampler = getattr(getattr(adapter, "loader", None), "sampler", None)
    return type(sampler).__name__ == "DistributedSampler"


def warn_if_shuffled_apart(adapter, num_processes):
    """A torch DataLoader that shuffles with torch's global generator orders the data apart
    in each process (unless every process seeded torch alike): its slices would miss some
    samples and repeat others."""
    sampler = getattr(getattr(adapter, "loader", None), "sampler", None)
    if type(sampler).__name__ == "RandomSampler" and sampler.generator is None:
        warnings.warn(
            f"A shuffling torch DataLoader is split over {num_processes} processes: unless "
            "every process seeds torch alike (torch.manual_seed), each shuffles differently "
            "and their slices of a batch miss some samples and repeat others. Give the "
            "DataLoader a torch.utils.data.DistributedSampler (each process then reads its "
            "own part; call sampler.set_epoch(epoch) each epoch) or a seeded generator.",
            stacklevel=5,
        )


def check_batch_size(adapter, num_processes, method):
    """A global batch size that does not split evenly over the processes raises."""
    size = getattr(adapter, "batch_size", None)
    if size is not None and size % num_processes:
        raise ValueError(
            f"{method}: batch_size={size} does not split evenly over the {num_processes} "
            f"processes of the distribution (each process trains on batch_size / "
            f"{num_processes} rows of every global batch). Pass a batch_size that is a "
            f"multiple of {num_processes}, e.g. {size - size % num_processes or num_processes}."
        )


def process_slice(batch, process_id, num_processes):
    """Process `process_id`'s rows of `batch` (a structure of arrays or tensors, batch-major)."""
    leaves = [leaf for leaf in tree.flatten(batch) if leaf is not None]
    if not leaves:
        return batch
    rows = int(leaves[0].shape[0])
    if rows < num_processes:
        raise ValueError(
            f"A batch of {rows} rows cannot be split over {num_processes} processes (each "
            "needs at least one row). The final batch of the data is smaller than the process "
            "count: choose a number of samples or a batch_size that leaves at least one row "
            "per process in every batch."
        )
    base, extra = divmod(rows, num_processes)
    start = process_id * base + min(process_id, extra)
    stop = start + base + (1 if process_id < extra else 0)
    return tree.map_structure(lambda a: None if a is None else a[start:stop], batch)
