"""`UpSampling3D`: enlarges volumes by repeating voxels."""

from cornu.layers.reshaping._upsampling import BaseUpSampling


class UpSampling3D(BaseUpSampling):
    """Repeats each voxel of 5D inputs along the three spatial axes; the arguments are
    `BaseUpSampling`'s.

    Example:
        >>> UpSampling3D((2, 1, 3))(np.ones((1, 2, 2, 2, 3), "float32")).shape
        (1, 4, 2, 6, 3)
    """

    _rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format=data_format, **kwargs)
