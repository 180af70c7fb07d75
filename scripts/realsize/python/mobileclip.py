"""MobileCLIP (Xenova/mobileclip_s0, _s2): FastViT-MCi image towers and a CLIP text tower, 512-d.

transformers.js loads these repos with the CLIP classes (config.json is {"model_type": "clip"}):
CLIPTextModelWithProjection opens onnx/text_model (input_ids -> text_embeds) and
CLIPVisionModelWithProjection onnx/vision_model (pixel_values 256x256 -> image_embeds).
The image tower is timm's fastvit_mci0 / fastvit_mci2 with a 512-d head (as open_clip builds MobileCLIP),
reparameterized for inference as Apple's own export is: its ONNX size matches the Hub's (45.5 / 143 MB).
The text tower is MobileCLIP-S1/S2/B's: a 12-layer, 512-wide transformer over CLIP's BPE (63M parameters,
the Hub's 254 MB). S0's own text tower (MCt, 42M parameters, 170 MB on the Hub) is in neither open_clip 3.3
nor timm, so S0 is built with the S2 text tower: its text cost here is an upper bound.
"""
import os

import torch
from transformers import CLIPConfig, CLIPTextModelWithProjection

import no_torchvision  # noqa: F401  (before timm)
import timm
from timm.utils.model import reparameterize_model

from common import random_model, write_json
from onnx_tools import export
from tokenizers_gen import clip_tokenizer

# Xenova/mobileclip_b's preprocessor_config.json at 256 px: MobileCLIP takes pixels in [0, 1], not normalised.
PREPROCESSOR = {
    "crop_size": {"height": 256, "width": 256},
    "do_center_crop": True,
    "do_convert_rgb": True,
    "do_normalize": False,
    "do_rescale": True,
    "do_resize": True,
    "feature_extractor_type": "CLIPFeatureExtractor",
    "image_processor_type": "CLIPFeatureExtractor",
    "resample": 2,
    "rescale_factor": 1 / 255,
    "size": {"shortest_edge": 256},
}


class Text(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m(input_ids=input_ids, attention_mask=attention_mask).text_embeds


def builder(vision):
    def build(out_dir, sub_models, tiny):
        onnx_dir = os.path.join(out_dir, "onnx")
        write_json(out_dir, "config.json", {"model_type": "clip"})
        write_json(out_dir, "preprocessor_config.json", PREPROCESSOR)
        clip_tokenizer(out_dir, tiny)
        if "text_model" in sub_models:
            cfg = CLIPConfig(
                projection_dim=512,
                text_config=dict(hidden_size=512, intermediate_size=2048, num_attention_heads=8,
                                 num_hidden_layers=1 if tiny else 12, max_position_embeddings=77, vocab_size=49408,
                                 bos_token_id=0, eos_token_id=2, pad_token_id=1),
            )
            m = random_model(CLIPTextModelWithProjection, cfg.text_config, 0)
            ids = torch.ones(1, 77, dtype=torch.long)
            axes = {0: "batch_size", 1: "sequence_length"}
            export(Text(m), (ids, ids), f"{onnx_dir}/text_model.onnx", ["input_ids", "attention_mask"], ["text_embeds"],
                   {"input_ids": axes, "attention_mask": axes, "text_embeds": {0: "batch_size"}})
        if "vision_model" in sub_models:
            torch.manual_seed(1)
            m = timm.create_model(vision, pretrained=False, num_classes=512, global_pool="avg").eval()
            m = reparameterize_model(m)
            export(m, (torch.zeros(1, 3, 256, 256),), f"{onnx_dir}/vision_model.onnx", ["pixel_values"], ["image_embeds"],
                   {"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"}})

    return build
