"""Load a template function's handler in-process, as Lambda would at a cold start."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from devkit.template import ROOT, FunctionSpec

# Lambda puts layer content on sys.path (/opt/python); locally the layer is its source folder.
LAYER_PATHS = [ROOT / "layers" / "common"]

Handler = Callable[[dict[str, Any], Any], Any]


@contextmanager
def environment(variables: Mapping[str, str]) -> Iterator[None]:
    """The function's environment variables for the duration of the block."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def layer_on_path() -> None:
    """The layer imports as `portal_access`, as in Lambda (pytest's pythonpath does the same)."""
    for layer in LAYER_PATHS:
        if str(layer) not in sys.path:
            sys.path.insert(0, str(layer))


def import_function_module(spec: FunctionSpec, *, module_prefix: str = "lambda_") -> ModuleType:
    """Import the handler's module fresh under a name of its own (each function is its own cold start)."""
    layer_on_path()
    module_file, _ = spec.handler.rsplit(".", 1)
    path = spec.code_uri / f"{module_file.replace('.', '/')}.py"
    name = f"{module_prefix}{spec.logical_id}"
    loader_spec = importlib.util.spec_from_file_location(name, path)
    if loader_spec is None or loader_spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[name] = module
    # Lambda runs the handler from its code folder: siblings of the module import by name.
    sys.path.insert(0, str(spec.code_uri))
    try:
        with environment(spec.environment):
            loader_spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(spec.code_uri))
    return module


def handler_of(spec: FunctionSpec, module: ModuleType) -> Handler:
    _, function_name = spec.handler.rsplit(".", 1)
    handler: Handler = getattr(module, function_name)
    return handler
