"""Small helpers every family builder shares."""
import json
import os

import torch


def write_json(out_dir, name, value):
    with open(os.path.join(out_dir, name), "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def write_config(out_dir, config, architectures):
    """config.json from the transformers config class, as the Hub repos carry it."""
    d = config.to_dict()
    d["architectures"] = architectures
    write_json(out_dir, "config.json", d)


def random_model(cls, config, seed):
    """The real architecture with transformers' own random initialisation (untrained: outputs mean nothing)."""
    torch.manual_seed(seed)
    config._attn_implementation = "eager"  # plain MatMul/Softmax attention, as optimum exported the Hub files
    return cls(config).eval()
