"""Writes the real-size model world that scripts/realsize/make.ts planned.

Usage: python generate.py PLAN.json OUT_DIR [--tiny]
PLAN.json lists, per model id, the sub-models and the dtypes to write (see scripts/realsize/plan.ts).
Each model goes to OUT_DIR/<owner>/<name>/ in the Hub repo's layout. --tiny keeps every output size and
file but uses one layer and a small vocabulary, to check the path quickly.
"""
import json
import os
import shutil
import sys
import time

import torch

import clap
import clip
import e5
import english_text
import florence2
import moonshine
import siglip2
import whisper
from onnx_tools import write_variants

BUILDERS = {
    "Xenova/clip-vit-base-patch32": clip.build,
    "Xenova/clap-htsat-unfused": clap.build,
    "Xenova/multilingual-e5-small": e5.build,
    "Xenova/whisper-base": whisper.build,
    "onnx-community/Florence-2-base-ft": florence2.build,
    # The candidates of the presets (make.ts --presets).
    "Xenova/all-MiniLM-L6-v2": english_text.builder(layers=6, max_positions=512),
    "Xenova/bge-small-en-v1.5": english_text.builder(layers=12, max_positions=512),
    "onnx-community/siglip2-base-patch16-256-ONNX": siglip2.builder(patch=16),
    "realsize/siglip2-base-patch32-256": siglip2.builder(patch=32),
    "onnx-community/moonshine-base-ONNX": moonshine.build,
    # MobileCLIP imports timm, which needs a stand-in for torchvision: built last, imported only when asked.
    "Xenova/mobileclip_s0": lambda *a: __import__("mobileclip").builder("fastvit_mci0")(*a),
    "Xenova/mobileclip_s2": lambda *a: __import__("mobileclip").builder("fastvit_mci2")(*a),
}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tiny = "--tiny" in sys.argv
    if len(args) != 2:
        raise SystemExit(__doc__)
    plan = json.load(open(args[0]))
    root = args[1]
    torch.set_num_threads(int(os.environ.get("REALSIZE_THREADS", "2")))
    report = []
    for entry in plan["models"]:
        build = BUILDERS.get(entry["model"])
        if build is None:
            print(f"skip {entry['role']}: no generator for {entry['model']}", flush=True)
            continue
        out_dir = os.path.join(root, entry["model"])
        # Start clean, so a file the plan no longer names never lingers.
        shutil.rmtree(out_dir, ignore_errors=True)
        os.makedirs(os.path.join(out_dir, "onnx"))
        start = time.time()
        print(f"{entry['role']}: {entry['model']} ...", flush=True)
        build(out_dir, entry["subModels"], tiny)
        for sub in entry["subModels"]:
            write_variants(os.path.join(out_dir, "onnx"), sub, entry["dtypes"][sub])
        missing = [f for f in entry["files"] if not os.path.isfile(os.path.join(out_dir, f))]
        if missing:
            raise SystemExit(f"{entry['model']}: the generator did not write {missing}")
        seconds = round(time.time() - start, 1)
        files = {f: os.path.getsize(os.path.join(out_dir, f)) for f in entry["files"]}
        report.append({"role": entry["role"], "model": entry["model"], "seconds": seconds, "files": files})
        print(f"{entry['role']}: done in {seconds} s", flush=True)
    # One record per model, kept across runs that make only some of them.
    path = os.path.join(root, "generated.json")
    done = json.load(open(path)) if os.path.exists(path) else {}
    for r in report:
        done[r["model"]] = {**r, "tiny": tiny}
    json.dump(done, open(path, "w"), indent=2)


if __name__ == "__main__":
    main()
