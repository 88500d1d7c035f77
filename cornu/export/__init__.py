"""`cornu.export`: writing models as TensorFlow SavedModels for serving.

`ExportArchive` collects layers and serving endpoints; `Model.export` uses it. TensorFlow is
imported only when an archive is made, so this package imports on every backend.
`Model.export(format="onnx")` writes an ONNX file instead (`cornu.export.onnx`), with no
TensorFlow needed on jax and torch.
"""

from cornu.export.saved_model import ExportArchive

__all__ = ["ExportArchive"]
