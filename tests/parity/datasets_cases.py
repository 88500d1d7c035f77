"""Dataset-loader calls compared between Keras and cornu: {case id: (module, function, kwargs)}."""

_SEQUENCE_ARGS = {
    "defaults": {},
    "num_words": {"num_words": 15},
    "skip_top": {"num_words": 15, "skip_top": 5},
    "maxlen": {"maxlen": 6},
    "maxlen_edge": {"maxlen": 7},
    "maxlen_too_short": {"maxlen": 1},
    "no_oov": {"num_words": 12, "oov_char": None},
    "no_start_char": {"start_char": None},
    "no_start_no_offset": {"start_char": None, "index_from": 0, "num_words": 10, "skip_top": 2},
    "index_from": {"index_from": 5, "oov_char": 7, "num_words": 20},
    "seed": {"seed": 7},
}

CASES = {
    "mnist": ("mnist", "load_data", {}),
    "fashion_mnist": ("fashion_mnist", "load_data", {}),
    "cifar10": ("cifar10", "load_data", {}),
    "cifar100_fine": ("cifar100", "load_data", {}),
    "cifar100_coarse": ("cifar100", "load_data", {"label_mode": "coarse"}),
    "cifar100_bad_mode": ("cifar100", "load_data", {"label_mode": "medium"}),
    "imdb_word_index": ("imdb", "get_word_index", {}),
    "reuters_word_index": ("reuters", "get_word_index", {}),
    "reuters_label_names": ("reuters", "get_label_names", {}),
    "boston_defaults": ("boston_housing", "load_data", {}),
    "boston_split_seed": ("boston_housing", "load_data", {"test_split": 0.3, "seed": 1}),
    "california_large": ("california_housing", "load_data", {}),
    "california_small": ("california_housing", "load_data", {"version": "small"}),
    "california_small_split": (
        "california_housing",
        "load_data",
        {"version": "small", "test_split": 0.5, "seed": 2},
    ),
    "reuters_test_split": ("reuters", "load_data", {"test_split": 0.5}),
    "reuters_no_test": ("reuters", "load_data", {"test_split": 0.0}),
    "boston_all_test": ("boston_housing", "load_data", {"test_split": 1.0}),
    "california_bad_version": ("california_housing", "load_data", {"version": "medium"}),
    "imdb_nb_words": ("imdb", "load_data", {"nb_words": 10}),
    "imdb_unknown_kwarg": ("imdb", "load_data", {"colour": "red"}),
}
for _name, _kwargs in _SEQUENCE_ARGS.items():
    CASES[f"imdb_{_name}"] = ("imdb", "load_data", _kwargs)
    CASES[f"reuters_{_name}"] = ("reuters", "load_data", _kwargs)
