"""The benchmark models as plain `torch.nn` modules (the torch native loop's side).

Written as a torch user would: channels-first images (the data is transposed once, up
front), `nn.TransformerEncoderLayer`, and packed sequences for the masked RNNs. The first
four rows copy `cases.init_weights`; the others keep torch's own initialisers.
"""

import torch
from cases import init_weights
from models_zoo import CLASSES, VOCAB, WIDTH
from torch import nn


def _copy(module_param, array):
    with torch.no_grad():
        module_param.copy_(torch.from_numpy(array))


class Mlp(nn.Module):
    def __init__(self, weights):
        super().__init__()
        self.layers = nn.ModuleList()
        for w, b in zip(weights[::2], weights[1::2]):
            layer = nn.Linear(*w.shape)
            _copy(layer.weight, w.T)
            _copy(layer.bias, b)
            self.layers.append(layer)

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
        return self.layers[-1](x)


class Cnn(nn.Module):
    def __init__(self, weights):
        super().__init__()
        self.c1, self.c2, self.out = nn.Conv2d(1, 32, 3), nn.Conv2d(32, 64, 3), nn.Linear(1600, 10)
        _copy(self.c1.weight, weights[0].transpose(3, 2, 0, 1))
        _copy(self.c2.weight, weights[2].transpose(3, 2, 0, 1))
        _copy(self.out.weight, weights[4].T)

    def forward(self, x):  # x: NCHW
        h = torch.max_pool2d(torch.relu(self.c1(x)), 2)
        h = torch.max_pool2d(torch.relu(self.c2(h)), 2)
        # Flatten in NHWC order, as the Keras model's Dense kernel expects.
        return self.out(h.permute(0, 2, 3, 1).reshape(h.shape[0], -1))


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm, self.out = nn.LSTM(32, 64, batch_first=True), nn.Linear(64, 10)

    def forward(self, x):
        return self.out(self.lstm(x)[0][:, -1])


class Block(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.a = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn_a = nn.BatchNorm2d(c_out, eps=1e-3, momentum=0.01)
        self.b = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn_b = nn.BatchNorm2d(c_out, eps=1e-3, momentum=0.01)
        self.proj = None
        if stride != 1:
            self.proj = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=False),
                nn.BatchNorm2d(c_out, eps=1e-3, momentum=0.01),
            )

    def forward(self, x):
        r = self.bn_b(self.b(torch.relu(self.bn_a(self.a(x)))))
        return torch.relu(r + (x if self.proj is None else self.proj(x)))


class ResNet20(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16, eps=1e-3, momentum=0.01)
        )
        blocks, c_in = [], 16
        for stage, filters in enumerate((16, 32, 64)):
            for block in range(3):
                blocks.append(Block(c_in, filters, 2 if stage > 0 and block == 0 else 1))
                c_in = filters
        self.blocks, self.head = nn.Sequential(*blocks), nn.Linear(64, CLASSES["resnet"])

    def forward(self, x):  # x: NCHW
        return self.head(self.blocks(torch.relu(self.stem(x))).mean((2, 3)))


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, WIDTH)
        layer = nn.TransformerEncoderLayer(
            WIDTH, 4, 2 * WIDTH, dropout=0.0, batch_first=True, layer_norm_eps=1e-3
        )
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(WIDTH, CLASSES["transformer"])

    def forward(self, ids):
        return self.head(self.encoder(self.emb(ids)).mean(1))


class TextRnn(nn.Module):
    def __init__(self, bidirectional):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, WIDTH, padding_idx=0)
        kind = nn.LSTM if bidirectional else nn.GRU
        self.rnn = kind(WIDTH, WIDTH, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(WIDTH * (2 if bidirectional else 1), 2)

    def forward(self, ids):
        lengths = (ids != 0).sum(1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(
            self.emb(ids), lengths, batch_first=True, enforce_sorted=False
        )
        final = self.rnn(packed)[1]
        final = final[0] if isinstance(final, tuple) else final  # LSTM: (h_n, c_n)
        return self.head(torch.cat(list(final), dim=-1))


def net(row):
    """The torch module for `row`; its forward takes what `to_torch` returns."""
    if row in ("tiny_mlp", "mlp"):
        return Mlp(init_weights(row))
    if row == "cnn":
        return Cnn(init_weights(row))
    if row == "lstm":
        return Lstm()
    if row == "resnet":
        return ResNet20()
    if row == "transformer":
        return Transformer()
    return TextRnn(bidirectional=row == "bilstm_text")


def to_torch(row, x):
    """The whole data set as the tensor the module takes: NCHW images, int64 token ids."""
    if row in ("cnn", "resnet"):
        return torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    if x.dtype.kind == "i":
        return torch.from_numpy(x).long()
    return torch.from_numpy(x)
