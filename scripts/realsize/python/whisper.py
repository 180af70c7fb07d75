"""Xenova/whisper-base: the encoder and the merged decoder that transformers.js 4.3.1 loads for speech recognition.

transformers.js (Seq2Seq models) opens onnx/encoder_model and onnx/decoder_model_merged only; there is no
fallback to decoder_model + decoder_with_past_model. The merged decoder is built as optimum builds it: a
first-step graph (no cache in; self- and cross-attention caches out) and a with-cache graph (one token in,
the self-attention cache grows, the cross-attention cache is read), joined by an If on `use_cache_branch`,
with the weights stored once. Its inputs and outputs are named as optimum names them:
  input_ids, encoder_hidden_states, past_key_values.{i}.{decoder,encoder}.{key,value}, use_cache_branch
  -> logits, present.{i}.{decoder,encoder}.{key,value}
The decoder's forward pass is written out over the transformers model's own modules (the cache objects of
transformers 5 do not trace), and checked against WhisperForConditionalGeneration before export.
"""
import os
import tempfile

import torch
from transformers import GenerationConfig, WhisperConfig, WhisperFeatureExtractor, WhisperForConditionalGeneration
from transformers.models.whisper.tokenization_whisper import LANGUAGES

from common import random_model, write_config, write_json
from onnx_tools import export, merge_decoders
from tokenizers_gen import whisper_tokenizer

# whisper-base is a v2-era multilingual model: 99 languages (Cantonese came with large-v3).
BASE_LANGUAGES = [code for code in LANGUAGES if code != "yue"]
# From openai/whisper-base's generation_config.json. With the generated vocabulary these ids suppress
# other tokens than in the real model, at the same cost.
SUPPRESS_TOKENS = [1, 2, 7, 8, 9, 10, 14, 25, 26, 27, 28, 29, 31, 58, 59, 60, 61, 62, 63, 90, 91, 92, 93, 359, 503, 522,
                   542, 873, 893, 902, 918, 922, 931, 1350, 1853, 1982, 2460, 2627, 3246, 3253, 3268, 3536, 3846, 3961,
                   4183, 4667, 6585, 6647, 7273, 9061, 9383, 10428, 10929, 11938, 12033, 12331, 12562, 13793, 14157,
                   14635, 15265, 15618, 16553, 16604, 18362, 18956, 20075, 21675, 22520, 26130, 26161, 26435, 28279,
                   29464, 31650, 32302, 32470, 36865, 42863, 47425, 49870, 50254, 50258, 50358, 50359, 50360, 50361,
                   50362]
ALIGNMENT_HEADS = [[3, 1], [4, 2], [4, 3], [4, 7], [5, 1], [5, 2], [5, 4], [5, 6]]


def config(tiny, vocab_size, ids):
    layers = 1 if tiny else 6
    return WhisperConfig(
        vocab_size=vocab_size, num_mel_bins=80, d_model=512, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=8, decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048,
        max_source_positions=1500, max_target_positions=448,
        bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|endoftext|>"], pad_token_id=ids["<|endoftext|>"],
        decoder_start_token_id=ids["<|startoftranscript|>"], begin_suppress_tokens=[220, ids["<|endoftext|>"]],
        suppress_tokens=[t for t in SUPPRESS_TOKENS if t < vocab_size], median_filter_width=7,
    )


def generation_config(cfg, ids, tiny):
    return GenerationConfig(
        alignment_heads=[] if tiny else ALIGNMENT_HEADS,
        begin_suppress_tokens=cfg.begin_suppress_tokens,
        bos_token_id=cfg.bos_token_id, eos_token_id=cfg.eos_token_id, pad_token_id=cfg.pad_token_id,
        decoder_start_token_id=cfg.decoder_start_token_id,
        forced_decoder_ids=[[1, None], [2, ids["<|transcribe|>"]]],
        is_multilingual=True,
        lang_to_id={f"<|{c}|>": ids[f"<|{c}|>"] for c in BASE_LANGUAGES},
        task_to_id={"transcribe": ids["<|transcribe|>"], "translate": ids["<|translate|>"]},
        max_initial_timestamp_index=50,
        max_length=448,
        no_timestamps_token_id=ids["<|notimestamps|>"],
        prev_sot_token_id=ids["<|startofprev|>"],
        return_timestamps=False,
        suppress_tokens=cfg.suppress_tokens,
    )


class Encoder(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.encoder = model.model.encoder

    def forward(self, input_features):
        return self.encoder(input_features=input_features).last_hidden_state


class Decoder(torch.nn.Module):
    """One decoder step, with or without the cache: the arithmetic of transformers' WhisperDecoder (eager)."""

    def __init__(self, model, with_past):
        super().__init__()
        self.decoder = model.model.decoder
        self.proj_out = model.proj_out
        self.with_past = with_past
        cfg = model.config
        self.heads = cfg.decoder_attention_heads
        self.head_dim = cfg.d_model // self.heads
        self.scale = self.head_dim ** -0.5

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_dim).transpose(1, 2)

    def attend(self, q, k, v, mask=None):
        w = torch.matmul(q * self.scale, k.transpose(2, 3))
        if mask is not None:
            w = w + mask
        o = torch.matmul(torch.softmax(w, dim=-1), v).transpose(1, 2)
        return o.reshape(o.shape[0], o.shape[1], -1)

    def forward(self, input_ids, encoder_hidden_states, *past):
        d = self.decoder
        seq = input_ids.shape[1]
        past_len = past[0].shape[2] if self.with_past else 0
        positions = torch.arange(seq, device=input_ids.device) + past_len
        x = d.embed_tokens(input_ids) + d.embed_positions.weight[positions]
        total = positions[-1] + 1
        keys = torch.arange(total, device=input_ids.device)
        mask = torch.where(keys[None, :] > positions[:, None], torch.finfo(x.dtype).min, 0.0)[None, None]
        presents = []
        for i, layer in enumerate(d.layers):
            h = layer.self_attn_layer_norm(x)
            a = layer.self_attn
            q, k, v = self.split(a.q_proj(h)), self.split(a.k_proj(h)), self.split(a.v_proj(h))
            if self.with_past:
                k = torch.cat([past[4 * i], k], dim=2)
                v = torch.cat([past[4 * i + 1], v], dim=2)
            x = x + a.out_proj(self.attend(q, k, v, mask))
            h = layer.encoder_attn_layer_norm(x)
            c = layer.encoder_attn
            if self.with_past:
                ck, cv = past[4 * i + 2], past[4 * i + 3]
            else:
                ck, cv = self.split(c.k_proj(encoder_hidden_states)), self.split(c.v_proj(encoder_hidden_states))
            x = x + c.out_proj(self.attend(self.split(c.q_proj(h)), ck, cv))
            h = layer.final_layer_norm(x)
            x = x + layer.fc2(layer.activation_fn(layer.fc1(h)))
            presents += [k, v] if self.with_past else [k, v, ck, cv]
        return (self.proj_out(d.layer_norm(x)), *presents)


# Tokens the decoder says per 30 s window, with timestamps, as transformers.js decodes it. Random weights alone never end a window: their logits are
# nearly flat, so the timestamp rule (pick a timestamp when all timestamps together outweigh the best text
# token) fires at every step and the decoder runs to max_length. Real speech gives about 3-4 tokens/s.
TOKENS_PER_WINDOW = 100


def shape_transcripts(model, gen_cfg, ids, target=TOKENS_PER_WINDOW, seed=6):
    """Makes the random decoder talk like a trained one, at the same cost: peaked logits (the final layer norm
    scaled up), no special tokens in the text, and an end-of-text logit that grows with the position (a ramp
    along one direction u in the position embeddings, read by the end-of-text embedding), tuned so a window
    of noise ends after about `target` tokens. Shapes and operations are untouched."""
    d = model.model.decoder
    g = torch.Generator().manual_seed(seed)
    u = torch.randn(d.embed_positions.weight.shape[1], generator=g)
    u /= u.norm()
    eot = ids["<|endoftext|>"]
    specials = [i for t, i in ids.items() if t != "<|endoftext|>"]
    features = torch.randn(1, model.config.num_mel_bins, 3000, generator=g)
    captured = {}
    hook = d.layer_norm.register_forward_hook(lambda m, args, out: captured.update(x=args[0]))
    with torch.no_grad():
        d.layer_norm.weight.mul_(20.0)
        d.embed_tokens.weight[specials] *= 0.05
        prompt = torch.randint(0, eot, (1, 200), generator=g)
        prompt[0, 0] = model.config.decoder_start_token_id
        model(input_features=features, decoder_input_ids=prompt, use_cache=False)
        noise = captured["x"][0].norm(dim=-1).mean().item()
        hook.remove()
        steps = torch.arange(d.embed_positions.weight.shape[0], dtype=torch.float32)[:, None]
        d.embed_positions.weight.add_(steps * (noise / target) * u)
        base = d.embed_tokens.weight[eot].clone()

        def length(k):
            d.embed_tokens.weight[eot] = base + k * u
            return greedy_with_timestamps(model, features, gen_cfg, ids, max_new=int(target * 2.5))

        # Bisection on the end-of-text strength; the count is not quite monotonic in it, so the closest wins.
        lo, hi, best = 0.0, 2.0, (float("inf"), 2.0)
        for _ in range(8):
            mid = (lo + hi) / 2
            n = length(mid)
            print(f"  whisper: end-of-text strength {mid:.4f} -> {n} tokens", flush=True)
            best = min(best, (abs(n - target), mid))
            if n > target:
                lo = mid
            else:
                hi = mid
        return length(best[1])


def greedy_with_timestamps(model, features, gen_cfg, ids, max_new):
    """Tokens transformers.js 4.3.1 generates for one window with return_timestamps (its suppress-token and
    WhisperTimeStampLogitsProcessor rules, greedy), up to and with end-of-text."""
    eot, ts0 = gen_cfg.eos_token_id, gen_cfg.no_timestamps_token_id + 1
    prompt = [gen_cfg.decoder_start_token_id, ids["<|en|>"], ids["<|transcribe|>"]]
    begin = len(prompt)
    enc = model.model.encoder(input_features=features).last_hidden_state
    seq, past, step_ids = list(prompt), None, torch.tensor([prompt])
    for _ in range(max_new):
        out = model(encoder_outputs=(enc,), decoder_input_ids=step_ids, past_key_values=past, use_cache=True)
        past, logits = out.past_key_values, out.logits[0, -1].clone()
        logits[gen_cfg.suppress_tokens] = -float("inf")
        if len(seq) == begin:
            logits[gen_cfg.begin_suppress_tokens] = -float("inf")
        logits[ts0 - 1] = -float("inf")  # <|notimestamps|>
        if len(seq) == begin:
            logits[:ts0] = -float("inf")
        else:
            tail = seq[begin:]
            last_ts = tail[-1] >= ts0
            penultimate_ts = len(tail) < 2 or tail[-2] >= ts0
            if last_ts and penultimate_ts:
                logits[ts0:] = -float("inf")
            elif last_ts:
                logits[:eot] = -float("inf")
            logprobs = torch.log_softmax(logits, dim=-1)
            if torch.logsumexp(logprobs[ts0:], dim=-1) > logprobs[:ts0].max():
                logits[:ts0] = -float("inf")
        token = int(logits.argmax())
        seq.append(token)
        if token == eot:
            break
        step_ids = torch.tensor([[token]])
    return len(seq) - begin


def check_against_transformers(model, enc_out):
    """The written-out decoder must give transformers' logits, step by step through the cache."""
    ids = torch.tensor([[model.config.decoder_start_token_id, 50259 % model.config.vocab_size, 7, 11, 13]])
    with torch.no_grad():
        want = model(encoder_outputs=(enc_out,), decoder_input_ids=ids, use_cache=False).logits
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
    vocab_size, ids = whisper_tokenizer(out_dir, BASE_LANGUAGES, tiny)
    cfg = config(tiny, vocab_size, ids)
    write_config(out_dir, cfg, ["WhisperForConditionalGeneration"])
    generation_config(cfg, ids, tiny).save_pretrained(out_dir)
    fe = WhisperFeatureExtractor(feature_size=80).to_dict()
    fe["processor_class"] = "WhisperProcessor"
    write_json(out_dir, "preprocessor_config.json", fe)

    model = random_model(WhisperForConditionalGeneration, cfg, 5)
    gen_cfg = generation_config(cfg, ids, tiny)
    print(f"  whisper: a window of noise now decodes to {shape_transcripts(model, gen_cfg, ids)} tokens", flush=True)
    features = torch.randn(1, 80, 3000)
    with torch.no_grad():
        enc_out = model.model.encoder(input_features=features).last_hidden_state
    check_against_transformers(model, enc_out)
    if "encoder_model" in sub_models:
        export(Encoder(model), (features,), f"{onnx_dir}/encoder_model.onnx", ["input_features"], ["last_hidden_state"],
               {"input_features": {0: "batch_size"}, "last_hidden_state": {0: "batch_size"}})
    if "decoder_model_merged" in sub_models:
        n, heads, hd = cfg.decoder_layers, cfg.decoder_attention_heads, cfg.d_model // cfg.decoder_attention_heads
        names = lambda kind: [f"{kind}.{i}.{part}.{kv}" for i in range(n) for part in ("decoder", "encoder") for kv in ("key", "value")]
        past_names, present_names = names("past_key_values"), names("present")
        self_only = [p for p in present_names if ".decoder." in p]
        with tempfile.TemporaryDirectory() as tmp:
            ids3 = torch.tensor([[cfg.decoder_start_token_id, 50259 % vocab_size, 7]])
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
