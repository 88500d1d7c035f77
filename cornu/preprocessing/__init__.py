"""`cornu.preprocessing`: Keras's older home of the data helpers (`sequence.pad_sequences`,
`image.load_img`, the `*_dataset_from_directory` loaders, `timeseries_dataset_from_array`)."""

from cornu.preprocessing import image, sequence
from cornu.utils.image_dataset import image_dataset_from_directory
from cornu.utils.text_dataset import text_dataset_from_directory
from cornu.utils.timeseries_dataset import timeseries_dataset_from_array
