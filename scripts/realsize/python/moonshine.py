"""onnx-community/moonshine-base-ONNX: the encoder and merged decoder transformers.js 4.3.1 loads for Moonshine.

MoonshineForConditionalGeneration is a Seq2Seq model to transformers.js, like Whisper: it opens
onnx/encoder_model (input_values: raw 16 kHz samples -> last_hidden_state) and onnx/decoder_model_merged
(input_ids, encoder_hidden_states, past_key_values.{i}.{decoder,encoder}.{key,value}, use_cache_branch ->
logits, present.*), and its ASR pipeline greedy-decodes at most 6 tokens per second of audio, with no
timestamps. The base model's shape (UsefulSensors/moonshine-base): 416 wide, 8 + 8 layers, 8 heads (head
dim 52, padded to 56 inside attention), partial rotary embeddings (0.62 of each head), a 32,768-token
vocabulary, the output projection tied to the token embedding. The decoder step is written out over the
transformers modules and checked against MoonshineForConditionalGeneration, as whisper.py does.
Random weights rarely end a transcript, so a window decodes up to the pipeline's cap of 6 tokens/s (real
speech: about 3-4): the decoding cost measured here is an upper bound.
"""
import os
import tempfile

import torch
from transformers import GenerationConfig, MoonshineConfig, MoonshineForConditionalGeneration
import transformers.models.moonshine.modeling_moonshine as modeling
from transformers.models.moonshine.modeling_moonshine import MoonshineEncoderModelOutput, rotate_half

from common import random_model, write_config, write_json
from onnx_tools import export, merge_decoders
from tokenizers_gen import byte_level_bpe, save
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors


def apply_rotary_pos_emb(q, k, cos, sin, unsqueeze_dim=1):
    """transformers' Moonshine rotary embedding, with repeat_interleave written as stack + flatten: the
    TorchScript exporter gives repeat_interleave over a traced size the wrong rank. Same numbers."""
    cos, sin = cos.unsqueeze(unsqueeze_dim), sin.unsqueeze(unsqueeze_dim)
    half = cos.shape[-1] // 2
    cos = torch.stack((cos[..., :half], cos[..., :half]), dim=-1).flatten(-2)
    sin = torch.stack((sin[..., :half], sin[..., :half]), dim=-1).flatten(-2)
    rotary = cos.shape[-1]
    q_rot, q_pass = q[..., :rotary], q[..., rotary:]
    k_rot, k_pass = k[..., :rotary], k[..., rotary:]
    q_embed = torch.cat([(q_rot * cos) + (rotate_half(q_rot) * sin), q_pass], dim=-1)
    k_embed = torch.cat([(k_rot * cos) + (rotate_half(k_rot) * sin), k_pass], dim=-1)
    return q_embed, k_embed


# The encoder's attention calls the module's function by name.
modeling.apply_rotary_pos_emb = apply_rotary_pos_emb


def config(tiny):
    layers = 1 if tiny else 8
    return MoonshineConfig(
        vocab_size=32768, hidden_size=416, intermediate_size=1664,
        encoder_num_hidden_layers=layers, decoder_num_hidden_layers=layers,
        encoder_num_attention_heads=8, decoder_num_attention_heads=8,
        encoder_num_key_value_heads=8, decoder_num_key_value_heads=8,
        pad_head_dim_to_multiple_of=8, max_position_embeddings=194,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "partial_rotary_factor": 0.62},
        decoder_start_token_id=1, bos_token_id=1, eos_token_id=2, tie_word_embeddings=True,
    )


def tokenizer(out_dir, tiny):
    specials = ["<unk>", "<s>", "</s>"]
    vocab, merges = byte_level_bpe((2000 if tiny else 32768) - len(specials), specials, tiny)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, continuing_subword_prefix="", end_of_word_suffix="", fuse_unk=False))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.add_special_tokens([AddedToken(t, normalized=False) for t in specials])
    save(tok, out_dir, {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<s>", "eos_token": "</s>",
                        "unk_token": "<unk>", "model_max_length": 194})


class Encoder(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.encoder = model.model.encoder

    def forward(self, input_values):
        return self.encoder(input_values=input_values).last_hidden_state


class Decoder(torch.nn.Module):
    """One decoder step with or without the cache: the arithmetic of transformers' MoonshineDecoder (eager)."""

    def __init__(self, model, with_past):
        super().__init__()
        self.decoder = model.model.decoder
        self.proj_out = model.proj_out
        self.with_past = with_past
        a = self.decoder.layers[0].self_attn
        self.heads, self.head_dim, self.pad, self.scale = (
            a.config.num_key_value_heads, a.head_dim, a.head_dim_padding, a.scaling)

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_dim).transpose(1, 2)

    def attend(self, q, k, v, mask=None):
        if self.pad:
            q, k, v = (torch.nn.functional.pad(t, (0, self.pad)) for t in (q, k, v))
        w = torch.matmul(q, k.transpose(2, 3)) * self.scale
        if mask is not None:
            w = w + mask
        o = torch.matmul(torch.softmax(w, dim=-1), v)
        if self.pad:
            o = o[..., : -self.pad]
        o = o.transpose(1, 2)
        return o.reshape(o.shape[0], o.shape[1], -1)

    def forward(self, input_ids, encoder_hidden_states, *past):
        d = self.decoder
        seq = input_ids.shape[1]
        past_len = past[0].shape[2] if self.with_past else 0
        positions = torch.arange(seq, device=input_ids.device) + past_len
        x = d.embed_tokens(input_ids)
        cos, sin = d.rotary_emb(x, positions[None])
        total = positions[-1] + 1
        keys = torch.arange(total, device=input_ids.device)
        mask = torch.where(keys[None, :] > positions[:, None], torch.finfo(x.dtype).min, 0.0)[None, None]
        presents = []
        for i, layer in enumerate(d.layers):
            h = layer.input_layernorm(x)
            a = layer.self_attn
            q, k, v = self.split(a.q_proj(h)), self.split(a.k_proj(h)), self.split(a.v_proj(h))
            q, k = apply_rotary_pos_emb(q, k, cos, sin)
            if self.with_past:
                k = torch.cat([past[4 * i], k], dim=2)
                v = torch.cat([past[4 * i + 1], v], dim=2)
            x = x + a.o_proj(self.attend(q, k, v, mask))
            h = layer.post_attention_layernorm(x)
            c = layer.encoder_attn
            if self.with_past:
                ck, cv = past[4 * i + 2], past[4 * i + 3]
            else:
                ck, cv = self.split(c.k_proj(encoder_hidden_states)), self.split(c.v_proj(encoder_hidden_states))
            x = x + c.o_proj(self.attend(self.split(c.q_proj(h)), ck, cv))
            x = x + layer.mlp(layer.final_layernorm(x))
            presents += [k, v] if self.with_past else [k, v, ck, cv]
        return (self.proj_out(d.norm(x)), *presents)


def check_against_transformers(model, enc_out):
    ids = torch.tensor([[1, 7, 11, 13, 17]])
    with torch.no_grad():
        want = model(encoder_outputs=MoonshineEncoderModelOutput(last_hidden_state=enc_out), decoder_input_ids=ids, use_cache=False).logits
        first = Decoder(model, with_past=False)(ids[:, :3], enc_out)
        torch.testing.assert_close(first[0], want[:, :3], rtol=1e-4, atol=1e-4)
        n = len(model.model.decoder.layers)
        past = list(first[1:])
        step = Decoder(model, with_past=True)
        for t in (3, 4):
            out = step(ids[:, t : t + 1], enc_out, *past)
            torch.testing.assert_close(out[0], want[:, t : t + 1], rtol=1e-4, atol=1e-4)
            for i in range(n):
                past[4 * i], past[4 * i + 1] = out[1 + 2 * i], out[2 + 2 * i]


def build(out_dir, sub_models, tiny):
    onnx_dir = os.path.join(out_dir, "onnx")
    cfg = config(tiny)
    if tiny:
        cfg.vocab_size = 2000
    tokenizer(out_dir, tiny)
    write_config(out_dir, cfg, ["MoonshineForConditionalGeneration"])
    GenerationConfig(bos_token_id=1, eos_token_id=2, decoder_start_token_id=1, max_length=194).save_pretrained(out_dir)
    write_json(out_dir, "preprocessor_config.json", {
        "do_normalize": False, "feature_extractor_type": "MoonshineFeatureExtractor", "feature_size": 1,
        "padding_side": "right", "padding_value": 0.0, "processor_class": "MoonshineProcessor",
        "return_attention_mask": True, "sampling_rate": 16000,
    })
    model = random_model(MoonshineForConditionalGeneration, cfg, 7)
    audio = torch.randn(1, 16000 * 5) * 0.1
    with torch.no_grad():
        enc_out = model.model.encoder(input_values=audio).last_hidden_state
    check_against_transformers(model, enc_out)
    if "encoder_model" in sub_models:
        export(Encoder(model), (audio,), f"{onnx_dir}/encoder_model.onnx", ["input_values"], ["last_hidden_state"],
               {"input_values": {0: "batch_size", 1: "num_samples"},
                "last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}})
    if "decoder_model_merged" in sub_models:
        n, heads, hd = cfg.decoder_num_hidden_layers, cfg.decoder_num_key_value_heads, cfg.hidden_size // cfg.decoder_num_attention_heads
        names = lambda kind: [f"{kind}.{i}.{part}.{kv}" for i in range(n) for part in ("decoder", "encoder") for kv in ("key", "value")]
        past_names, present_names = names("past_key_values"), names("present")
        self_only = [p for p in present_names if ".decoder." in p]
        with tempfile.TemporaryDirectory() as tmp:
            ids3 = torch.tensor([[1, 7, 11]])
            first = Decoder(model, with_past=False)
            axes = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                    "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
                    "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
            for p in present_names:
                axes[p] = {0: "batch_size", 2: "decoder_sequence_length" if ".decoder." in p else "encoder_sequence_length_out"}
            export(first, (ids3, enc_out), f"{tmp}/first.onnx", ["input_ids", "encoder_hidden_states"], ["logits", *present_names], axes)
            with torch.no_grad():
                past = first(ids3, enc_out)[1:]
            step = Decoder(model, with_past=True)
            axes = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                    "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
                    "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
            for p in past_names:
                axes[p] = {0: "batch_size", 2: "past_decoder_sequence_length" if ".decoder." in p else "encoder_sequence_length_out"}
            for p in self_only:
                axes[p] = {0: "batch_size", 2: "past_decoder_sequence_length + 1"}
            export(step, (ids3[:, -1:], enc_out, *past), f"{tmp}/past.onnx", ["input_ids", "encoder_hidden_states", *past_names],
                   ["logits", *self_only], axes)
            empty = {p: [1, heads, 0, hd] for p in present_names if ".encoder." in p}
            merge_decoders(f"{tmp}/first.onnx", f"{tmp}/past.onnx", f"{onnx_dir}/decoder_model_merged.onnx", empty)
