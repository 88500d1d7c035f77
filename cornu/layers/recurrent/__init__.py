"""recurrent layers."""

from cornu.layers.recurrent.bidirectional import Bidirectional
from cornu.layers.recurrent.conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from cornu.layers.recurrent.gru import GRU, GRUCell
from cornu.layers.recurrent.lstm import LSTM, LSTMCell
from cornu.layers.recurrent.rnn import RNN
from cornu.layers.recurrent.simple_rnn import SimpleRNN, SimpleRNNCell
from cornu.layers.recurrent.stacked_rnn_cells import StackedRNNCells
from cornu.layers.recurrent.time_distributed import TimeDistributed

__all__ = [
    "Bidirectional",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "RNN",
    "SimpleRNN",
    "SimpleRNNCell",
    "StackedRNNCells",
    "TimeDistributed",
]
