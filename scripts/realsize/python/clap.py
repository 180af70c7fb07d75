"""Xenova/clap-htsat-unfused: CLAP with a RoBERTa-base text tower and the HTSAT (Swin) audio tower, 512-d."""
import os

import torch
from transformers import ClapAudioModelWithProjection, ClapConfig, ClapFeatureExtractor, ClapTextModelWithProjection

from common import random_model, write_config, write_json
from onnx_tools import export
from tokenizers_gen import roberta_tokenizer


def config(tiny):
    # ClapConfig's defaults are laion/clap-htsat-unfused (enable_fusion False, depths 2-2-6-2, 512-d projection).
    if not tiny:
        return ClapConfig()
    return ClapConfig(text_config=dict(num_hidden_layers=1, vocab_size=2506), audio_config=dict(depths=[1, 1, 1, 1]))


def preprocessor():
    # laion/clap-htsat-unfused's values: rand_trunc (fusion is not implemented in transformers.js) from 50 Hz.
    d = ClapFeatureExtractor(truncation="rand_trunc", frequency_min=50, padding="repeatpad").to_dict()
    d.update({"processor_class": "ClapProcessor", "chunk_length_s": 10, "n_fft": 1024, "nb_max_frames": 1000})
    return d


class Text(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m(input_ids=input_ids, attention_mask=attention_mask).text_embeds


class Audio(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_features):
        return self.m(input_features=input_features).audio_embeds


def build(out_dir, sub_models, tiny):
    cfg = config(tiny)
    onnx_dir = os.path.join(out_dir, "onnx")
    vocab = roberta_tokenizer(out_dir, cfg.text_config.vocab_size, tiny)
    assert vocab == cfg.text_config.vocab_size, (vocab, cfg.text_config.vocab_size)
    write_config(out_dir, cfg, ["ClapModel"])
    write_json(out_dir, "preprocessor_config.json", preprocessor())
    if "text_model" in sub_models:
        m = random_model(ClapTextModelWithProjection, cfg.text_config, 2)
        ids = torch.ones(1, 16, dtype=torch.long)
        export(Text(m), (ids, ids), f"{onnx_dir}/text_model.onnx", ["input_ids", "attention_mask"], ["text_embeds"],
               {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"}, "text_embeds": {0: "batch_size"}})
    if "audio_model" in sub_models:
        m = random_model(ClapAudioModelWithProjection, cfg.audio_config, 3)
        # transformers.js's ClapFeatureExtractor gives [batch, 1, 1001 frames, 64 mel bins] for 10 s at 48 kHz.
        x = torch.randn(2, 1, 1001, 64)
        export(Audio(m), (x,), f"{onnx_dir}/audio_model.onnx", ["input_features"], ["audio_embeds"],
               {"input_features": {0: "batch_size"}, "audio_embeds": {0: "batch_size"}})
