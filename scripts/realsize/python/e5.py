"""Xenova/multilingual-e5-small: a 12-layer, 384-d BERT over XLM-R's 250k-token vocabulary (mean-pooled by the app)."""
import os

import torch
from transformers import BertConfig, BertModel

from common import random_model, write_config
from onnx_tools import export
from tokenizers_gen import unigram_tokenizer


def config(tiny):
    return BertConfig(
        vocab_size=3037 if tiny else 250037,  # the tokenizer has 250,002 pieces; the embedding table is larger
        hidden_size=384,
        num_hidden_layers=1 if tiny else 12,
        num_attention_heads=12,
        intermediate_size=1536,
        max_position_embeddings=512,
        type_vocab_size=2,
        tokenizer_class="XLMRobertaTokenizer",
    )


class Encoder(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state


def build(out_dir, sub_models, tiny):
    cfg = config(tiny)
    unigram_tokenizer(out_dir, 3002 if tiny else 250002, tiny)
    write_config(out_dir, cfg, ["BertModel"])
    if "model" in sub_models:
        m = random_model(lambda c: BertModel(c, add_pooling_layer=False), cfg, 4)
        ids = torch.ones(1, 16, dtype=torch.long)
        axes = {0: "batch_size", 1: "sequence_length"}
        export(Encoder(m), (ids, ids, torch.zeros_like(ids)), os.path.join(out_dir, "onnx", "model.onnx"),
               ["input_ids", "attention_mask", "token_type_ids"], ["last_hidden_state"],
               {"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": axes})
