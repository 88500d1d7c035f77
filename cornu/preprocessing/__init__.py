"""`cornu.preprocessing`: Keras's older home of the data helpers (`sequence.pad_sequences`,
`timeseries_dataset_from_array`)."""

from cornu.preprocessing import sequence
from cornu.utils.timeseries_dataset import timeseries_dataset_from_array
