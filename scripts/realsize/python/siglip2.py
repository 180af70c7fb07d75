"""SigLIP 2 base at 256 px (onnx-community/siglip2-base-patch16-256-ONNX; B/32 beside it for cost), 768-d.

transformers.js loads SigLIP with SiglipTextModel (onnx/text_model: input_ids -> pooler_output, the last
token's state through the head) and SiglipVisionModel (onnx/vision_model: pixel_values -> pooler_output, the
attention-pooling head). The text tower takes 64 tokens padded to full length, as SigLIP was trained.
SigLIP 2 shares Gemma's 256,000-token vocabulary, so the text tower's embedding table is 197M of its 282M
parameters (the Hub's text_model.onnx is 1.13 GB in fp32). The tokenizer here is a Unigram model of that
size (Gemma's is a byte-fallback BPE; the real tokenizer.json is 34.4 MB).
"""
import os

import torch
from transformers import SiglipConfig, SiglipTextModel, SiglipVisionModel

from common import random_model, write_config, write_json
from onnx_tools import export
from tokenizers_gen import unigram_tokenizer

VOCAB = 256000


def config(tiny, patch):
    layers = 1 if tiny else 12
    return SiglipConfig(
        text_config=dict(vocab_size=3000 if tiny else VOCAB, hidden_size=768, intermediate_size=3072,
                         num_attention_heads=12, num_hidden_layers=layers, max_position_embeddings=64,
                         pad_token_id=0, bos_token_id=2, eos_token_id=1),
        vision_config=dict(hidden_size=768, intermediate_size=3072, num_attention_heads=12, num_hidden_layers=layers,
                           image_size=256, patch_size=patch),
    )


PREPROCESSOR = {
    "do_convert_rgb": None,
    "do_normalize": True,
    "do_rescale": True,
    "do_resize": True,
    "image_mean": [0.5, 0.5, 0.5],
    "image_std": [0.5, 0.5, 0.5],
    "image_processor_type": "SiglipImageProcessor",
    "processor_class": "SiglipProcessor",
    "resample": 2,
    "rescale_factor": 1 / 255,
    "size": {"height": 256, "width": 256},
}


class Tower(torch.nn.Module):
    def __init__(self, m, key):
        super().__init__()
        self.m = m
        self.key = key

    def forward(self, x):
        out = self.m(**{self.key: x})
        return out.last_hidden_state, out.pooler_output


def builder(patch):
    def build(out_dir, sub_models, tiny):
        cfg = config(tiny, patch)
        onnx_dir = os.path.join(out_dir, "onnx")
        write_config(out_dir, cfg, ["SiglipModel"])
        write_json(out_dir, "preprocessor_config.json", PREPROCESSOR)
        unigram_tokenizer(out_dir, 3000 if tiny else VOCAB, tiny)
        tok_cfg = os.path.join(out_dir, "tokenizer_config.json")
        import json
        t = json.load(open(tok_cfg))
        t.update({"tokenizer_class": "GemmaTokenizer", "model_max_length": 64, "padding_side": "right"})
        write_json(out_dir, "tokenizer_config.json", t)
        outputs = ["last_hidden_state", "pooler_output"]
        if "text_model" in sub_models:
            m = random_model(SiglipTextModel, cfg.text_config, 0)
            ids = torch.ones(1, 64, dtype=torch.long)
            export(Tower(m, "input_ids"), (ids,), f"{onnx_dir}/text_model.onnx", ["input_ids"], outputs,
                   {"input_ids": {0: "batch_size", 1: "sequence_length"},
                    "last_hidden_state": {0: "batch_size", 1: "sequence_length"}, "pooler_output": {0: "batch_size"}})
        if "vision_model" in sub_models:
            m = random_model(SiglipVisionModel, cfg.vision_config, 1)
            export(Tower(m, "pixel_values"), (torch.zeros(1, 3, 256, 256),), f"{onnx_dir}/vision_model.onnx",
                   ["pixel_values"], outputs,
                   {"pixel_values": {0: "batch_size"}, "last_hidden_state": {0: "batch_size"},
                    "pooler_output": {0: "batch_size"}})

    return build
