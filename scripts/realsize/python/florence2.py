"""onnx-community/Florence-2-base-ft: the four graphs transformers.js 4.3.1 loads for Florence2ForConditionalGeneration.

transformers.js runs Florence-2 as an image-text-to-text encoder-decoder (ImageTextToText, is_encoder_decoder):
  embed_tokens          input_ids [B,T] -> inputs_embeds [B,T,768]                 (the shared BART embedding)
  vision_encoder        pixel_values [B,3,768,768] -> image_features [B,577,768]   (DaViT, then the projector)
  encoder_model         inputs_embeds [B,S,768], attention_mask [B,S] -> last_hidden_state
                        (S = 577 image tokens, then the task prompt's tokens)
  decoder_model_merged  inputs_embeds, encoder_attention_mask, encoder_hidden_states,
                        past_key_values.{i}.{decoder,encoder}.{key,value}, use_cache_branch
                        -> logits, present.{i}.{decoder,encoder}.{key,value}
The merged decoder is built as Whisper's is (whisper.py, onnx_tools.merge_decoders): a first-step graph and a
with-cache graph joined by an If, the weights stored once. The BART encoder and decoder steps are written out
over the transformers model's own modules (transformers 5's masks and cache objects do not trace) and checked
against Florence2ForConditionalGeneration before export; the vision tower is the model's own.

Florence-2-base's sizes: BART d_model 768, 6+6 layers, 12 heads, FFN 3072, 1,024 positions, vocabulary 51,289;
DaViT with embed_dim (128, 256, 512, 1024), depths (1, 1, 9, 1), heads and groups (4, 8, 16, 32), window 12;
projection 768. transformers 5's Florence2Config() defaults are Florence-2-large's text model, so each is
written out here. Random weights never say end-of-text, so a run goes to its max_new_tokens: the cost of the
longest answer the app allows.
"""
import os
import tempfile

import torch
from transformers import Florence2Config, Florence2ForConditionalGeneration

from common import random_model, write_json
from onnx_tools import export, merge_decoders
from tokenizers_gen import florence2_tokenizer

IMAGE_SIZE = 768
IMAGE_TOKENS = 577  # (768 / 32)² spatial tokens + one pooled token
IDS = {"bos_token_id": 0, "pad_token_id": 1, "eos_token_id": 2, "decoder_start_token_id": 2}

# Florence-2's task tables (microsoft/Florence-2-base-ft's processing_florence2.py), which transformers.js's
# Florence2Processor reads from preprocessor_config.json; the fixture carries the same
# (scripts/fixtures/models/florence-script.ts, and realsize:verify compares them).
TASK_PROMPTS = {
    "<OCR>": "What is the text in the image?",
    "<OCR_WITH_REGION>": "What is the text in the image, with regions?",
    "<CAPTION>": "What does the image describe?",
    "<DETAILED_CAPTION>": "Describe in detail what is shown in the image.",
    "<MORE_DETAILED_CAPTION>": "Describe with a paragraph what is shown in the image.",
    "<OD>": "Locate the objects with category name in the image.",
    "<DENSE_REGION_CAPTION>": "Locate the objects in the image, with their descriptions.",
    "<REGION_PROPOSAL>": "Locate the region proposals in the image.",
}
TASK_PROMPTS_WITH_INPUT = {
    "<CAPTION_TO_PHRASE_GROUNDING>": "Locate the phrases in the caption: {input}",
    "<REFERRING_EXPRESSION_SEGMENTATION>": "Locate {input} in the image with mask",
    "<REGION_TO_SEGMENTATION>": "What is the polygon mask of region {input}",
    "<OPEN_VOCABULARY_DETECTION>": "Locate {input} in the image.",
    "<REGION_TO_CATEGORY>": "What is the region {input}?",
    "<REGION_TO_DESCRIPTION>": "What does the region {input} describe?",
    "<REGION_TO_OCR>": "What text is in the region {input}?",
}
TASK_POST_PROCESSING = {
    "<OCR>": "pure_text",
    "<OCR_WITH_REGION>": "ocr",
    "<CAPTION>": "pure_text",
    "<DETAILED_CAPTION>": "pure_text",
    "<MORE_DETAILED_CAPTION>": "pure_text",
    "<OD>": "description_with_bboxes",
    "<DENSE_REGION_CAPTION>": "description_with_bboxes",
    "<CAPTION_TO_PHRASE_GROUNDING>": "phrase_grounding",
    "<REFERRING_EXPRESSION_SEGMENTATION>": "polygons",
    "<REGION_TO_SEGMENTATION>": "polygons",
    "<OPEN_VOCABULARY_DETECTION>": "description_with_bboxes_or_polygons",
    "<REGION_TO_CATEGORY>": "pure_text",
    "<REGION_TO_DESCRIPTION>": "pure_text",
    "<REGION_TO_OCR>": "pure_text",
    "<REGION_PROPOSAL>": "bboxes",
}

PREPROCESSOR = {
    "processor_class": "Florence2Processor",
    "image_processor_type": "CLIPImageProcessor",
    "do_resize": True,
    "size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE},
    "resample": 3,
    "do_center_crop": False,
    "crop_size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE},
    "do_rescale": True,
    "rescale_factor": 1 / 255,
    "do_normalize": True,
    "image_mean": [0.485, 0.456, 0.406],
    "image_std": [0.229, 0.224, 0.225],
    "do_convert_rgb": None,
    "image_seq_length": IMAGE_TOKENS,
    "tasks_answer_post_processing_type": TASK_POST_PROCESSING,
    "task_prompts_without_inputs": TASK_PROMPTS,
    "task_prompts_with_input": TASK_PROMPTS_WITH_INPUT,
}

# Florence-2-base-ft's generation_config.json.
GENERATION = {**IDS, "forced_bos_token_id": 0, "forced_eos_token_id": 2, "no_repeat_ngram_size": 3, "num_beams": 3,
              "early_stopping": True}


def config(tiny, vocab_size):
    layers = 1 if tiny else 6
    text = dict(
        model_type="bart", vocab_size=vocab_size, d_model=768, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=12, decoder_attention_heads=12, encoder_ffn_dim=3072, decoder_ffn_dim=3072,
        max_position_embeddings=1024, activation_function="gelu", scale_embedding=False,
        forced_bos_token_id=0, forced_eos_token_id=2, **IDS,
    )
    vision = dict(
        depths=[1, 1, 1, 1] if tiny else [1, 1, 9, 1], embed_dim=[128, 256, 512, 1024], num_heads=[4, 8, 16, 32],
        num_groups=[4, 8, 16, 32], window_size=12, projection_dim=768, drop_path_rate=0.0,
    )
    return Florence2Config(text_config=text, vision_config=vision, **IDS)


def hub_config(cfg):
    """config.json in the shape of the onnx-community repo's (the original remote-code config's names)."""
    t, v = cfg.text_config, cfg.vision_config
    return {
        "architectures": ["Florence2ForConditionalGeneration"],
        "model_type": "florence2",
        "is_encoder_decoder": True,
        **IDS,
        "projection_dim": v.projection_dim,
        "vocab_size": t.vocab_size,
        "text_config": {
            "model_type": "florence2_language",
            "is_encoder_decoder": True,
            "d_model": t.d_model,
            "encoder_layers": t.encoder_layers,
            "decoder_layers": t.decoder_layers,
            "encoder_attention_heads": t.encoder_attention_heads,
            "decoder_attention_heads": t.decoder_attention_heads,
            "encoder_ffn_dim": t.encoder_ffn_dim,
            "decoder_ffn_dim": t.decoder_ffn_dim,
            "max_position_embeddings": t.max_position_embeddings,
            "activation_function": t.activation_function,
            "scale_embedding": False,
            "vocab_size": t.vocab_size,
            **IDS,
            "forced_bos_token_id": 0,
            "forced_eos_token_id": 2,
        },
        "vision_config": {
            "model_type": "davit",
            "depths": list(v.depths),
            "dim_embed": list(v.embed_dim),
            "num_heads": list(v.num_heads),
            "num_groups": list(v.num_groups),
            "patch_size": list(v.patch_size),
            "patch_stride": list(v.patch_stride),
            "patch_padding": list(v.patch_padding),
            "patch_prenorm": list(v.patch_prenorm),
            "window_size": v.window_size,
            "projection_dim": v.projection_dim,
            "image_pos_embed": {"type": "learned_abs_2d", "max_pos_embeddings": v.max_position_embeddings},
            "visual_temporal_embedding": {"type": "COSINE", "max_temporal_embeddings": v.max_temporal_embeddings},
            "image_feature_source": ["spatial_avg_pool", "temporal_avg_pool"],
        },
    }


class EmbedTokens(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.embed = model.model.language_model.shared

    def forward(self, input_ids):
        return self.embed(input_ids)


class VisionEncoder(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.tower = model.model.vision_tower
        self.projector = model.model.multi_modal_projector

    def forward(self, pixel_values):
        return self.projector(self.tower(pixel_values).last_hidden_state)


class Bart(torch.nn.Module):
    """BART's arithmetic (post-norm layers, learned positions offset by 2), over the transformers modules."""

    def __init__(self, model, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = model.config.text_config.d_model // heads
        self.scale = self.head_dim ** -0.5

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_dim).transpose(1, 2)

    def attend(self, q, k, v, mask):
        w = torch.matmul(q * self.scale, k.transpose(2, 3)) + mask
        o = torch.matmul(torch.softmax(w, dim=-1), v).transpose(1, 2)
        return o.reshape(o.shape[0], o.shape[1], -1)

    @staticmethod
    def padding_mask(mask, dtype):
        """[B,S] of 1/0 -> an additive [B,1,1,S] mask."""
        return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min

    @staticmethod
    def feed_forward(layer, x):
        return layer.final_layer_norm(x + layer.fc2(layer.activation_fn(layer.fc1(x))))


class Encoder(Bart):
    def __init__(self, model):
        super().__init__(model, model.config.text_config.encoder_attention_heads)
        self.encoder = model.model.language_model.encoder

    def forward(self, inputs_embeds, attention_mask):
        e = self.encoder
        positions = torch.arange(inputs_embeds.shape[1], device=inputs_embeds.device) + 2
        x = e.layernorm_embedding(inputs_embeds + e.embed_positions.weight[positions])
        mask = self.padding_mask(attention_mask, x.dtype)
        for layer in e.layers:
            a = layer.self_attn
            h = self.attend(self.split(a.q_proj(x)), self.split(a.k_proj(x)), self.split(a.v_proj(x)), mask)
            x = layer.self_attn_layer_norm(x + a.out_proj(h))
            x = self.feed_forward(layer, x)
        return x


class Decoder(Bart):
    """One decoder step, with or without the cache, and the (tied) output projection."""

    def __init__(self, model, with_past):
        super().__init__(model, model.config.text_config.decoder_attention_heads)
        self.decoder = model.model.language_model.decoder
        self.lm_head = model.lm_head
        self.with_past = with_past

    def forward(self, inputs_embeds, encoder_attention_mask, encoder_hidden_states, *past):
        d = self.decoder
        seq = inputs_embeds.shape[1]
        past_len = past[0].shape[2] if self.with_past else 0
        positions = torch.arange(seq, device=inputs_embeds.device) + past_len
        x = d.layernorm_embedding(inputs_embeds + d.embed_positions.weight[positions + 2])
        keys = torch.arange(positions[-1] + 1, device=inputs_embeds.device)
        causal = torch.where(keys[None, :] > positions[:, None], torch.finfo(x.dtype).min, 0.0)[None, None]
        cross_mask = self.padding_mask(encoder_attention_mask, x.dtype)
        presents = []
        for i, layer in enumerate(d.layers):
            a = layer.self_attn
            q, k, v = self.split(a.q_proj(x)), self.split(a.k_proj(x)), self.split(a.v_proj(x))
            if self.with_past:
                k = torch.cat([past[4 * i], k], dim=2)
                v = torch.cat([past[4 * i + 1], v], dim=2)
            x = layer.self_attn_layer_norm(x + a.out_proj(self.attend(q, k, v, causal)))
            c = layer.encoder_attn
            if self.with_past:
                ck, cv = past[4 * i + 2], past[4 * i + 3]
            else:
                ck, cv = self.split(c.k_proj(encoder_hidden_states)), self.split(c.v_proj(encoder_hidden_states))
            x = layer.encoder_attn_layer_norm(x + c.out_proj(self.attend(self.split(c.q_proj(x)), ck, cv, cross_mask)))
            x = self.feed_forward(layer, x)
            presents += [k, v] if self.with_past else [k, v, ck, cv]
        return (self.lm_head(x), *presents)


def check_against_transformers(model, embeds, mask):
    """The written-out encoder and decoder must give transformers' outputs, the decoder step by step."""
    lm = model.model.language_model
    with torch.no_grad():
        want_enc = lm.encoder(inputs_embeds=embeds, attention_mask=mask).last_hidden_state
        enc = Encoder(model)(embeds, mask)
        torch.testing.assert_close(enc, want_enc, rtol=1e-4, atol=1e-4)
        ids = torch.tensor([[2, 0, 7, 11, 13]])
        dec_in = lm.shared(ids)
        want = model.lm_head(
            lm.decoder(inputs_embeds=dec_in, encoder_hidden_states=enc, encoder_attention_mask=mask, use_cache=False)
            .last_hidden_state
        )
        first = Decoder(model, with_past=False)(dec_in[:, :3], mask, enc)
        torch.testing.assert_close(first[0], want[:, :3], rtol=1e-4, atol=1e-4)
        n = len(lm.decoder.layers)
        past = list(first[1:])
        step = Decoder(model, with_past=True)
        for t in (3, 4):
            out = step(dec_in[:, t : t + 1], mask, enc, *past)
            torch.testing.assert_close(out[0], want[:, t : t + 1], rtol=1e-4, atol=1e-4)
            for i in range(n):
                past[4 * i], past[4 * i + 1] = out[1 + 2 * i], out[2 + 2 * i]
    return enc


def build(out_dir, sub_models, tiny):
    onnx_dir = os.path.join(out_dir, "onnx")
    vocab_size = florence2_tokenizer(out_dir, tiny)
    cfg = config(tiny, vocab_size)
    write_json(out_dir, "config.json", hub_config(cfg))
    write_json(out_dir, "generation_config.json", GENERATION)
    write_json(out_dir, "preprocessor_config.json", PREPROCESSOR)

    for c in (cfg, cfg.text_config, cfg.vision_config):
        c._attn_implementation = "eager"
    model = random_model(Florence2ForConditionalGeneration, cfg, 23)
    t = cfg.text_config
    d, heads = t.d_model, t.decoder_attention_heads
    pixels = torch.randn(1, 3, IMAGE_SIZE, IMAGE_SIZE)
    with torch.no_grad():
        image = VisionEncoder(model)(pixels)
    if tuple(image.shape) != (1, IMAGE_TOKENS, d):
        raise SystemExit(f"florence2: image features {tuple(image.shape)}, expected (1, {IMAGE_TOKENS}, {d})")
    prompt = torch.tensor([[0, 2264, 16, 5, 2788, 11, 5, 2274, 116, 2]]) % vocab_size  # <s> … </s>, 10 tokens
    with torch.no_grad():
        embeds = torch.cat([image, model.model.language_model.shared(prompt)], dim=1)
    mask = torch.ones(embeds.shape[:2], dtype=torch.long)
    mask[0, -1] = 0  # a padded position, so the masks are traced as masks
    enc = check_against_transformers(model, embeds, mask)
    mask[0, -1] = 1

    if "embed_tokens" in sub_models:
        export(EmbedTokens(model), (prompt,), f"{onnx_dir}/embed_tokens.onnx", ["input_ids"], ["inputs_embeds"],
               {"input_ids": {0: "batch_size", 1: "sequence_length"}, "inputs_embeds": {0: "batch_size", 1: "sequence_length"}})
    if "vision_encoder" in sub_models:
        export(VisionEncoder(model), (pixels,), f"{onnx_dir}/vision_encoder.onnx", ["pixel_values"], ["image_features"],
               {"pixel_values": {0: "batch_size"}, "image_features": {0: "batch_size"}})
    if "encoder_model" in sub_models:
        axes = {"inputs_embeds": {0: "batch_size", 1: "encoder_sequence_length"},
                "attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
                "last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}}
        export(Encoder(model), (embeds, mask), f"{onnx_dir}/encoder_model.onnx", ["inputs_embeds", "attention_mask"],
               ["last_hidden_state"], axes)
    if "decoder_model_merged" in sub_models:
        n, hd = t.decoder_layers, d // heads
        names = lambda kind: [f"{kind}.{i}.{part}.{kv}" for i in range(n) for part in ("decoder", "encoder") for kv in ("key", "value")]
        past_names, present_names = names("past_key_values"), names("present")
        self_only = [p for p in present_names if ".decoder." in p]
        common_axes = {"inputs_embeds": {0: "batch_size", 1: "decoder_sequence_length"},
                       "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
                       "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
                       "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
        inputs = ["inputs_embeds", "encoder_attention_mask", "encoder_hidden_states"]
        with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
            dec_in = model.model.language_model.shared(torch.tensor([[2, 0, 7]]))
            first = Decoder(model, with_past=False)
            axes = dict(common_axes)
            for p in present_names:
                axes[p] = {0: "batch_size", 2: "decoder_sequence_length" if ".decoder." in p else "encoder_sequence_length_out"}
            export(first, (dec_in, mask, enc), f"{tmp}/first.onnx", inputs, ["logits", *present_names], axes)
            past = first(dec_in, mask, enc)[1:]
            step = Decoder(model, with_past=True)
            axes = dict(common_axes)
            for p in past_names:
                axes[p] = {0: "batch_size", 2: "past_decoder_sequence_length" if ".decoder." in p else "encoder_sequence_length_out"}
            for p in self_only:
                axes[p] = {0: "batch_size", 2: "past_decoder_sequence_length + 1"}
            export(step, (dec_in[:, -1:], mask, enc, *past), f"{tmp}/past.onnx", [*inputs, *past_names],
                   ["logits", *self_only], axes)
            empty = {p: [1, heads, 0, hd] for p in present_names if ".encoder." in p}
            merge_decoders(f"{tmp}/first.onnx", f"{tmp}/past.onnx", f"{onnx_dir}/decoder_model_merged.onnx", empty)
