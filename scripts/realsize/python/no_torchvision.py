"""Lets timm import without torchvision, for building FastViT (MobileCLIP's image tower) only.

timm 1.0 imports torchvision at start (FrozenBatchNorm2d, transforms, datasets) although FastViT uses none of
it, and the torchvision wheels in this machine's package mirror are built against another torch and fail to
load their operators. Importing this module first answers every `torchvision…` import with empty modules
whose names resolve to placeholder classes. Never import it in a process that needs real torchvision.
"""
import importlib.abc
import importlib.machinery
import sys
import types

import torch


class _Placeholder(type(torch.nn.Module)):
    def __getattr__(cls, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Placeholder(attr, (object,), {})


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name == "torchvision" or name.startswith("torchvision."):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []

        def placeholder(attr):
            if attr.startswith("__"):
                raise AttributeError(attr)
            return _Placeholder(attr, (torch.nn.Module,), {})

        module.__getattr__ = placeholder
        return module

    def exec_module(self, module):
        pass


if "torchvision" not in sys.modules:
    sys.meta_path.insert(0, _Finder())
