"""Xenova/clip-vit-base-patch32: CLIP ViT-B/32, text and vision towers with their projections (512-d)."""
import os

import torch
from transformers import CLIPConfig, CLIPTextModelWithProjection, CLIPVisionModelWithProjection

from common import random_model, write_config, write_json
from onnx_tools import export
from tokenizers_gen import clip_tokenizer

# openai/clip-vit-base-patch32's preprocessor_config.json (the Xenova repo carries it unchanged).
PREPROCESSOR = {
    "crop_size": 224,
    "do_center_crop": True,
    "do_normalize": True,
    "do_resize": True,
    "feature_extractor_type": "CLIPFeatureExtractor",
    "image_mean": [0.48145466, 0.4578275, 0.40821073],
    "image_std": [0.26862954, 0.26130258, 0.27577711],
    "resample": 3,
    "size": 224,
}


def config(tiny):
    layers = 1 if tiny else 12
    return CLIPConfig(
        projection_dim=512,
        text_config=dict(
            hidden_size=512, intermediate_size=2048, num_attention_heads=8, num_hidden_layers=layers,
            max_position_embeddings=77, vocab_size=49408, bos_token_id=0, eos_token_id=2, pad_token_id=1,
        ),
        vision_config=dict(
            hidden_size=768, intermediate_size=3072, num_attention_heads=12, num_hidden_layers=layers,
            image_size=224, patch_size=32,
        ),
    )


class Text(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m(input_ids=input_ids, attention_mask=attention_mask).text_embeds


class Vision(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, pixel_values):
        return self.m(pixel_values=pixel_values).image_embeds


def build(out_dir, sub_models, tiny):
    cfg = config(tiny)
    onnx_dir = os.path.join(out_dir, "onnx")
    write_config(out_dir, cfg, ["CLIPModel"])
    write_json(out_dir, "preprocessor_config.json", PREPROCESSOR)
    clip_tokenizer(out_dir, tiny)
    if "text_model" in sub_models:
        m = random_model(CLIPTextModelWithProjection, cfg.text_config, 0)
        ids = torch.ones(1, 77, dtype=torch.long)
        export(Text(m), (ids, ids), f"{onnx_dir}/text_model.onnx", ["input_ids", "attention_mask"], ["text_embeds"],
               {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"}, "text_embeds": {0: "batch_size"}})
    if "vision_model" in sub_models:
        m = random_model(CLIPVisionModelWithProjection, cfg.vision_config, 1)
        export(Vision(m), (torch.zeros(1, 3, 224, 224),), f"{onnx_dir}/vision_model.onnx", ["pixel_values"], ["image_embeds"],
               {"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"}})
