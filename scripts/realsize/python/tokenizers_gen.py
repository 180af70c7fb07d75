"""Tokenizers of the real kind and vocabulary size, for models whose real vocabularies are not on this machine.

- CLIP: the real one. open_clip ships OpenAI's BPE merges (bpe_simple_vocab_16e6.txt.gz), from which
  transformers' CLIPTokenizer vocabulary is built the same way: 49,408 tokens.
- RoBERTa (CLAP's text tower) and Whisper: a byte-level BPE trained here on English-like words (the CLIP
  vocabulary's words plus made-up syllable words), padded to the real size: 50,265 and 51,865 tokens.
- BART (Florence-2): RoBERTa's, plus Florence-2's 1,024 added special tokens (<loc_0>…<loc_999>, task tags):
  51,289 tokens.
- XLM-R (multilingual-e5): a Unigram model with 250,002 pieces (letters of many scripts, CLIP's words and
  made-up syllables), scored by rank; without XLM-R's precompiled normaliser (NFKC stands in).
The text they produce is not the real models' tokenization, but it costs the same to load and to run.
"""
import gzip
import importlib.util
import json
import math
import os
import random

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable character table (as in transformers and open_clip)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def clip_merges(limit=None):
    spec = importlib.util.find_spec("open_clip")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("open_clip is not installed: it ships the CLIP BPE merges (pip install --no-deps open-clip-torch)")
    path = os.path.join(spec.submodule_search_locations[0], "bpe_simple_vocab_16e6.txt.gz")
    lines = gzip.open(path).read().decode("utf-8").split("\n")
    merges = [tuple(m.split()) for m in lines[1 : 49152 - 256 - 2 + 1]]
    return merges[:limit] if limit else merges


def save(tok, out_dir, tokenizer_config):
    tok.save(os.path.join(out_dir, "tokenizer.json"))
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w") as f:
        json.dump(tokenizer_config, f, indent=2)


def clip_tokenizer(out_dir, tiny=False):
    merges = clip_merges(1000 if tiny else None)
    units = list(bytes_to_unicode().values())
    vocab_list = units + [u + "</w>" for u in units] + ["".join(m) for m in merges] + ["<|startoftext|>", "<|endoftext|>"]
    vocab = {t: i for i, t in enumerate(vocab_list)}
    tok = Tokenizer(
        models.BPE(vocab=vocab, merges=merges, unk_token="<|endoftext|>", end_of_word_suffix="</w>", continuing_subword_prefix="", fuse_unk=False)
    )
    # transformers' CLIPConverter
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""), behavior="removed", invert=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.RobertaProcessing(
        ("<|endoftext|>", vocab["<|endoftext|>"]), ("<|startoftext|>", vocab["<|startoftext|>"]), trim_offsets=False, add_prefix_space=False
    )
    tok.add_special_tokens([AddedToken("<|startoftext|>", normalized=True), AddedToken("<|endoftext|>", normalized=False)])
    save(
        tok,
        out_dir,
        {
            "tokenizer_class": "CLIPTokenizer",
            "model_max_length": 77,
            "bos_token": "<|startoftext|>",
            "eos_token": "<|endoftext|>",
            "pad_token": "<|endoftext|>",
            "unk_token": "<|endoftext|>",
            "do_lower_case": True,
            "errors": "replace",
            "add_prefix_space": False,
        },
    )
    return len(vocab)


def english_words():
    """The CLIP vocabulary's whole words, most frequent first (the merges are learnt in frequency order)."""
    decoder = {v: k for k, v in bytes_to_unicode().items()}
    words = []
    for a, b in clip_merges():
        t = a + b
        if t.endswith("</w>") and len(t) > 5:
            try:
                words.append(bytes(decoder[c] for c in t[: -len("</w>")]).decode("utf-8"))
            except (KeyError, UnicodeDecodeError):
                pass
    return words


SYLLABLE_ONSETS = ["", "b", "br", "c", "ch", "d", "f", "g", "gr", "h", "j", "k", "l", "m", "n", "p", "pl", "r", "s", "sh", "st", "t", "tr", "v", "w", "z"]
SYLLABLE_NUCLEI = ["a", "e", "i", "o", "u", "ai", "ou", "ee", "y"]
SYLLABLE_CODAS = ["", "", "n", "r", "s", "t", "l", "m", "ng", "ck"]


def made_up_words(n, seed):
    rng = random.Random(seed)
    out = set()
    while len(out) < n:
        out.add("".join(rng.choice(SYLLABLE_ONSETS) + rng.choice(SYLLABLE_NUCLEI) + rng.choice(SYLLABLE_CODAS) for _ in range(rng.randint(1, 4))))
    return sorted(out)


def byte_level_bpe(size, specials_first, tiny):
    """A byte-level BPE of exactly `size` regular tokens (after `specials_first`), trained on English-like words."""
    words = english_words()[: 2000 if tiny else None] + made_up_words(500 if tiny else 60000, seed=7)
    random.Random(3).shuffle(words)

    def corpus():
        # Zipf-like counts, so merges come in a frequency order as in a real corpus.
        for rank, w in enumerate(words):
            yield " ".join([w] * (1 + 2000 // (rank + 1)))

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    trainer = trainers.BpeTrainer(
        vocab_size=size + len(specials_first), special_tokens=specials_first, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False
    )
    tok.train_from_iterator(corpus(), trainer, length=len(words))
    model = json.loads(tok.to_str())["model"]
    vocab = model["vocab"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
    # Too few words to learn every merge: the rest of the vocabulary is tokens no merge reaches, which
    # costs what the real ones cost to load and never changes how text is split.
    filler = 0
    while len(vocab) < size + len(specials_first):
        t = f"Ġ\u0100filler{filler}"
        filler += 1
        vocab[t] = len(vocab)
    return vocab, merges


def _roberta(vocab_size, tiny):
    """RoBERTa's (and BART's) layout: <s> <pad> </s> <unk>, the byte-level BPE, <mask> last."""
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    vocab, merges = byte_level_bpe(vocab_size - len(specials) - 1, specials, tiny)
    vocab["<mask>"] = len(vocab)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, continuing_subword_prefix="", end_of_word_suffix="", fuse_unk=False))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0), trim_offsets=True, add_prefix_space=False)
    tok.add_special_tokens([AddedToken(t, normalized=False) for t in specials] + [AddedToken("<mask>", lstrip=True, normalized=False)])
    return tok, vocab


# The tokens Florence-2's processor adds to BART's 50,265 (processing_florence2.py), in its order: 1,024
# special tokens, so the vocabulary is 51,289.
FLORENCE2_ADDED = (
    ["<od>", "</od>", "<ocr>", "</ocr>"]
    + [f"<loc_{i}>" for i in range(1000)]
    + ["<cap>", "</cap>", "<ncap>", "</ncap>", "<dcap>", "</dcap>", "<grounding>", "</grounding>", "<seg>", "</seg>",
       "<sep>", "<region_cap>", "</region_cap>", "<region_to_desciption>", "</region_to_desciption>", "<proposal>",
       "</proposal>", "<poly>", "</poly>", "<and>"]
)


def florence2_tokenizer(out_dir, tiny=False):
    """BART's tokenizer (RoBERTa's layout, 50,265 tokens) plus Florence-2's 1,024 added special tokens."""
    tok, vocab = _roberta(50265, tiny)
    tok.add_special_tokens([AddedToken(t, normalized=False) for t in FLORENCE2_ADDED])
    save(
        tok,
        out_dir,
        {
            "tokenizer_class": "BartTokenizer",
            "model_max_length": 1024,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
            "additional_special_tokens": FLORENCE2_ADDED,
            "errors": "replace",
            "add_prefix_space": False,
            "trim_offsets": True,
        },
    )
    return tok.get_vocab_size(with_added_tokens=True)


def roberta_tokenizer(out_dir, vocab_size, tiny=False):
    tok, vocab = _roberta(vocab_size, tiny)
    save(
        tok,
        out_dir,
        {
            "tokenizer_class": "RobertaTokenizer",
            "model_max_length": 512,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
            "errors": "replace",
            "add_prefix_space": False,
            "trim_offsets": True,
        },
    )
    return len(vocab)


def whisper_tokenizer(out_dir, languages, tiny=False):
    """Regular tokens 0..N-1, <|endoftext|> = N, then Whisper's specials and 1,501 timestamps (not special)."""
    regular = 2000 if tiny else 50257
    vocab, merges = byte_level_bpe(regular, [], tiny)
    eot = len(vocab)
    vocab["<|endoftext|>"] = eot
    specials = ["<|startoftranscript|>"] + [f"<|{code}|>" for code in languages]
    specials += ["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>"]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, continuing_subword_prefix="", end_of_word_suffix="", fuse_unk=False))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.add_special_tokens([AddedToken("<|endoftext|>", normalized=False)] + [AddedToken(t, normalized=False) for t in specials])
    # transformers.js reads the first timestamp id as (last special id + 1), so timestamps are not special.
    tok.add_tokens([AddedToken(f"<|{i * 0.02:.2f}|>", normalized=False) for i in range(1501)])
    save(
        tok,
        out_dir,
        {
            "tokenizer_class": "WhisperTokenizer",
            "model_max_length": 1024,
            "bos_token": "<|endoftext|>",
            "eos_token": "<|endoftext|>",
            "pad_token": "<|endoftext|>",
            "unk_token": "<|endoftext|>",
            "errors": "replace",
            "add_prefix_space": False,
        },
    )
    ids = {t: tok.token_to_id(t) for t in ["<|endoftext|>"] + specials}
    return tok.get_vocab_size(with_added_tokens=True), ids


SCRIPT_RANGES = [
    (0x21, 0x7E), (0xA1, 0x17F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x5FF), (0x600, 0x6FF),
    (0x900, 0x97F), (0x980, 0x9FF), (0xE00, 0xE7F), (0x10A0, 0x10FF), (0x3040, 0x30FF),
    (0x4E00, 0x9FFF), (0xAC00, 0xD7A3),
]


def unigram_tokenizer(out_dir, pieces_total, tiny=False):
    """XLM-R's layout: <s> <pad> </s> <unk>, the pieces, <mask> last."""
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    budget = pieces_total - len(specials) - 1
    chars = [chr(c) for lo, hi in SCRIPT_RANGES for c in range(lo, hi + 1)][: 300 if tiny else None]
    english = english_words()[: 2000 if tiny else None]
    pieces = []
    seen = set(specials)

    def add(p):
        if p not in seen and len(pieces) < budget:
            seen.add(p)
            pieces.append(p)

    for w in english:
        add("▁" + w)
    for w in english:
        add(w)
    for c in chars:
        add(c)
        add("▁" + c)
    for w in made_up_words(budget, seed=11):
        add("▁" + w)
        add(w)
    i = 0
    while len(pieces) < budget:
        add(f"▁x{i}")
        i += 1
    # Scores fall with rank as log-probabilities do; single letters keep a score so any text segments.
    vocab = [(s, 0.0) for s in specials]
    vocab += [(p, -math.log(rank + 2) - (4.0 if len(p.lstrip("▁")) == 1 else 0.0)) for rank, p in enumerate(pieces)]
    vocab.append(("<mask>", 0.0))
    tok = Tokenizer(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    tok.add_special_tokens([AddedToken(t, normalized=False) for t in specials] + [AddedToken("<mask>", lstrip=True, normalized=False)])
    save(
        tok,
        out_dir,
        {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": 512,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
        },
    )
    return len(vocab)


def wordpiece_tokenizer(out_dir, vocab_size, tiny=False):
    """BERT's uncased WordPiece layout (bert-base-uncased, as all-MiniLM-L6-v2 and bge-small-en-v1.5 ship it):
    [PAD]=0, [unused…], [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103, then letters, words and ##pieces."""
    specials = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}
    vocab = {}
    for i in range(104):
        token = next((t for t, j in specials.items() if j == i), f"[unused{i}]")
        vocab[token] = i

    def add(t):
        if t not in vocab and len(vocab) < vocab_size:
            vocab[t] = len(vocab)

    for c in [chr(c) for lo, hi in SCRIPT_RANGES[:3] for c in range(lo, hi + 1)]:
        add(c.lower())
        add("##" + c.lower())
    english = english_words()[: 2000 if tiny else None]
    for w in english:
        add(w.lower())
    for w in made_up_words(vocab_size, seed=13):
        add(w)
        add("##" + w)
    i = 0
    while len(vocab) < vocab_size:
        add(f"##x{i}")
        i += 1
    tok = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", 101), ("[SEP]", 102)]
    )
    tok.add_special_tokens([AddedToken(t, normalized=False) for t in specials])
    save(
        tok,
        out_dir,
        {
            "tokenizer_class": "BertTokenizer",
            "model_max_length": 512,
            "do_lower_case": True,
            "cls_token": "[CLS]",
            "sep_token": "[SEP]",
            "pad_token": "[PAD]",
            "unk_token": "[UNK]",
            "mask_token": "[MASK]",
            "tokenize_chinese_chars": True,
            "strip_accents": None,
        },
    )
    return len(vocab)
