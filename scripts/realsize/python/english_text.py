"""Small English text embedders over BERT's uncased WordPiece (30,522 tokens), 384-d:
Xenova/all-MiniLM-L6-v2 (6 layers, mean-pooled) and Xenova/bge-small-en-v1.5 (12 layers, [CLS]-pooled).
transformers.js loads them with AutoModel / the feature-extraction pipeline from onnx/model."""
import os

import torch
from transformers import BertConfig, BertModel

from common import random_model, write_config
from onnx_tools import export
from tokenizers_gen import wordpiece_tokenizer


class Encoder(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state


def builder(layers, max_positions):
    def build(out_dir, sub_models, tiny):
        vocab = 3052 if tiny else 30522
        cfg = BertConfig(vocab_size=vocab, hidden_size=384, num_hidden_layers=1 if tiny else layers,
                         num_attention_heads=12, intermediate_size=1536, max_position_embeddings=max_positions,
                         type_vocab_size=2)
        wordpiece_tokenizer(out_dir, vocab, tiny)
        write_config(out_dir, cfg, ["BertModel"])
        if "model" in sub_models:
            m = random_model(lambda c: BertModel(c, add_pooling_layer=False), cfg, 4)
            ids = torch.ones(1, 16, dtype=torch.long)
            axes = {0: "batch_size", 1: "sequence_length"}
            export(Encoder(m), (ids, ids, torch.zeros_like(ids)), os.path.join(out_dir, "onnx", "model.onnx"),
                   ["input_ids", "attention_mask", "token_type_ids"], ["last_hidden_state"],
                   {"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": axes})

    return build
