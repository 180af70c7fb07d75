"""ONNX plumbing shared by the real-size generators: export, the fp16 and q8 copies, and the merged decoder.

The copies are made the way the Hub's transformers.js repos were: fp16 keeps float32 inputs and outputs
(transformers.js feeds float32 and never casts), q8 is ONNX Runtime's dynamic quantization to uint8 weights.
"""
import copy
import hashlib
import os
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def export(module, args, path, inputs, outputs, dynamic_axes):
    """Traces `module` to ONNX (the TorchScript exporter, as optimum used for the Hub's files)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    module.eval()
    with torch.no_grad():
        torch.onnx.export(
            module,
            args,
            path,
            input_names=inputs,
            output_names=outputs,
            dynamic_axes=dynamic_axes,
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    onnx.checker.check_model(path)


def to_fp16(src, dst):
    from onnxruntime.transformers.float16 import convert_float_to_float16

    model = onnx.load(src)
    half = convert_float_to_float16(model, keep_io_types=True, disable_shape_infer=False)
    onnx.save(half, dst)


def to_q8(src, dst):
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(src)
    if unshare_transposed(model):
        # The quantizer only quantizes a MatMul whose weight is an initializer; left as a Transpose, the
        # output projection would stay fp32 beside a uint8 copy of the same matrix.
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "unshared.onnx")
            onnx.save(model, src)
            quantize_dynamic(src, dst, weight_type=QuantType.QUInt8, extra_options={"EnableSubgraph": True})
        # Per-tensor uint8 quantization maps a matrix and its transpose to the same bytes, so the output
        # projection's uint8 weight is again the embedding's, transposed: keep one copy.
        reshare_transposed(dst)
        return
    # EnableSubgraph: the merged decoder keeps its MatMuls inside the If branches.
    quantize_dynamic(src, dst, weight_type=QuantType.QUInt8, extra_options={"EnableSubgraph": True})


def reshare_transposed(path):
    model = onnx.load(path)
    initializers, transposes = share_transposed(list(model.graph.initializer))
    if transposes:
        del model.graph.initializer[:]
        model.graph.initializer.extend(initializers)
        nodes = list(model.graph.node)
        del model.graph.node[:]
        model.graph.node.extend(transposes + nodes)
        onnx.save(model, path)


def unshare_transposed(model):
    """Undoes share_transposed: each share/ Transpose becomes a transposed initializer again."""
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    shared = [n for n in g.node if n.op_type == "Transpose" and n.name.startswith("share/")]
    for n in shared:
        g.initializer.append(numpy_helper.from_array(numpy_helper.to_array(inits[n.input[0]]).T.copy(), name=n.output[0]))
        g.node.remove(n)
    return len(shared) > 0


SUFFIX = {"fp32": "", "fp16": "_fp16", "q8": "_quantized"}


def write_variants(onnx_dir, sub, dtypes):
    """Makes the planned fp16/q8 copies of onnx/<sub>.onnx; fp32 is the exported file itself."""
    src = os.path.join(onnx_dir, f"{sub}.onnx")
    for d in dtypes:
        dst = os.path.join(onnx_dir, f"{sub}{SUFFIX[d]}.onnx")
        if d == "fp16":
            to_fp16(src, dst)
        elif d == "q8":
            to_q8(src, dst)
        elif d != "fp32":
            raise ValueError(f"{sub}: no generator for dtype {d}")
    if "fp32" not in dtypes:
        os.remove(src)


def _content_key(t):
    raw = t.raw_data if t.HasField("raw_data") else numpy_helper.to_array(t).tobytes()
    return (t.data_type, tuple(t.dims), hashlib.sha1(raw).hexdigest())


def _branch(graph, prefix, outer, shared_names):
    """`graph` as an If branch: no inputs (it reads outer-scope values), initializers shared, names prefixed."""

    def rename(name):
        if name == "" or name in outer:
            return name
        return shared_names.get(name) or f"{prefix}{name}"

    nodes = []
    for n in graph.node:
        n2 = copy.deepcopy(n)
        n2.name = f"{prefix}{n.name}"
        n2.input[:] = [rename(i) for i in n.input]
        n2.output[:] = [rename(o) for o in n.output]
        nodes.append(n2)
    outputs = []
    for o in graph.output:
        o2 = copy.deepcopy(o)
        o2.name = rename(o.name)
        outputs.append(o2)
    return nodes, outputs


def share_transposed(initializers, min_size=1 << 20):
    """Drops a large initializer that is another one transposed (the exporter folds the tied output
    projection into a copy of the token embedding) and makes it with a Transpose node instead, which ONNX
    Runtime folds again when it loads the model: the file holds the weights once, as the Hub's does."""
    arrays = {t.name: t for t in initializers if len(t.dims) == 2 and t.dims[0] * t.dims[1] >= min_size}
    nodes, dropped = [], set()
    for a in arrays.values():
        for b in arrays.values():
            if a is b or a.name in dropped or b.name in dropped or list(b.dims) != list(a.dims)[::-1]:
                continue
            if np.array_equal(numpy_helper.to_array(b), numpy_helper.to_array(a).T):
                nodes.append(helper.make_node("Transpose", [a.name], [b.name], name=f"share/{b.name}", perm=[1, 0]))
                dropped.add(b.name)
    return [t for t in initializers if t.name not in dropped], nodes


def merge_decoders(no_past_path, with_past_path, out_path, empty_outputs):
    """One decoder with both paths, as optimum's merge_decoders builds `decoder_model_merged`.

    The inputs are the union of both graphs' inputs plus `use_cache_branch` (bool[1]); an If runs the
    with-past graph when it is true and the first-step graph when it is false. Weights are stored once.
    `empty_outputs` maps each output the with-past graph lacks (the cross-attention cache) to the shape of
    an empty constant it returns instead; transformers.js keeps the first step's values for those.
    """
    a = onnx.load(no_past_path)
    b = onnx.load(with_past_path)
    outer_inputs = {}
    for g in (a.graph, b.graph):
        for i in g.input:
            outer_inputs.setdefault(i.name, i)
    shared = {}
    initializers = []

    def share(graph):
        names = {}
        for t in graph.initializer:
            key = _content_key(t)
            if key not in shared:
                t2 = copy.deepcopy(t)
                t2.name = f"w{len(shared)}"
                shared[key] = t2.name
                initializers.append(t2)
            names[t.name] = shared[key]
        return names

    a_names, b_names = share(a.graph), share(b.graph)
    outer = set(outer_inputs)
    else_nodes, else_outputs = _branch(a.graph, "first/", outer, a_names)
    then_nodes, then_outputs = _branch(b.graph, "past/", outer, b_names)
    have = {o.name[len("past/") :] for o in then_outputs if o.name.startswith("past/")}
    for name, shape in empty_outputs.items():
        if name in have:
            continue
        const = numpy_helper.from_array(np.zeros(shape, dtype=np.float32), name=f"past/{name}")
        then_nodes.append(helper.make_node("Constant", [], [f"past/{name}"], name=f"past/empty/{name}", value=const))
        then_outputs.append(helper.make_tensor_value_info(f"past/{name}", TensorProto.FLOAT, None))
    order = [o.name for o in a.graph.output]
    by_name = {o.name[len("past/") :]: o for o in then_outputs}
    then_outputs = [by_name[n] for n in order]
    then_graph = helper.make_graph(then_nodes, "with_past", [], then_outputs)
    else_graph = helper.make_graph(else_nodes, "first_step", [], else_outputs)
    use_cache = helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])
    node = helper.make_node(
        "If", ["use_cache_branch"], order, name="optimum::if", then_branch=then_graph, else_branch=else_graph
    )
    inputs = [outer_inputs[n] for n in outer_inputs] + [use_cache]
    initializers, transposes = share_transposed(initializers)
    graph = helper.make_graph([*transposes, node], "merged_decoder", inputs, list(a.graph.output), initializer=initializers)
    model = helper.make_model(graph, opset_imports=a.opset_import, producer_name="trove-realsize")
    model.ir_version = a.ir_version
    onnx.checker.check_model(model)
    onnx.save(model, out_path)
