"""The wire format between the trusted grader and the worker that runs student code.

Frames are length-prefixed JSON on a byte stream (the worker's stdin and stdout). Values are plain data only:
JSON scalars, lists, tuples, dicts, complex numbers and numpy arrays or scalars of numeric dtype, each tagged so
that both sides rebuild exactly what was sent. Anything else travels as a handle to an object that stays on the
side that made it. A frame's size, number of containers and nesting are checked before it is decoded, and
decoding never imports, evaluates, resolves a name or unpickles anything, so a worker cannot make the grader run
its code or spend its memory.
"""

from __future__ import annotations

import base64
import json
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

from grader.core.i18n import _
from grader.sandboxed.probes import Probe

MAX_FRAME = 16 * 1024 * 1024
MAX_CONTAINERS = 100_000  # lists and objects in one frame: a frame of nested empty lists costs ~200 bytes each
MAX_DEPTH = 64  # our own frames nest less than 10 deep
_HEADER = struct.Struct(">I")
_NUMERIC_KINDS = "biufc"


class WireError(Exception):
    """A frame or value that breaks the wire format (a dead peer, a giant frame, a forged tag)."""


class Closed(WireError):
    """The other side closed its end (it ended, or was killed) before a whole frame came."""


@dataclass(frozen=True)
class Handle:
    """An object that lives on the other side; `kind` is its type name, for messages."""

    id: int
    kind: str


@dataclass(frozen=True, eq=False)
class Alias:
    """An array the worker lent to the grader: sending it back writes into the worker's own array."""

    index: int
    array: np.ndarray


@dataclass(frozen=True, eq=False)
class Opaque:
    """A function of the grader's that student code may call but not read: the worker gets a stub that asks the
    grader for each value (see grader.grading.remote)."""

    id: int


def send_frame(stream: BinaryIO, message: dict) -> None:
    """Write one message and flush it."""
    data = json.dumps(message, separators=(",", ":")).encode()
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_exactly(stream: BinaryIO, size: int) -> bytes:
    """Read SIZE bytes, or raise WireError when the peer closed its end first."""
    data = stream.read(size)
    if data is None or len(data) != size:
        raise Closed(_("the other side closed the connection"))
    return data


def recv_frame(stream: BinaryIO) -> dict:
    """Read one message: its size, containers and nesting are checked before a byte of it is decoded."""
    (size,) = _HEADER.unpack(read_exactly(stream, _HEADER.size))
    if size > MAX_FRAME:
        raise WireError(
            _("a message of {size} bytes is larger than the limit of {limit}").format(size=size, limit=MAX_FRAME)
        )
    data = read_exactly(stream, size)
    check_shape(data)
    try:
        message = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise WireError(_("a message is not valid JSON: {error}").format(error=exc)) from None
    if not isinstance(message, dict):
        raise WireError(_("a message is not a JSON object"))
    return message


def check_shape(data: bytes) -> None:
    """Refuse a frame with too many containers or too deep a nesting, counted on the raw bytes (brackets inside
    strings count too: an overestimate that only a frame built to attack reaches)."""
    count = data.count(b"[") + data.count(b"{")
    if count > MAX_CONTAINERS:
        raise WireError(
            _("a message holds {count} lists or objects, more than the limit of {limit}").format(
                count=count, limit=MAX_CONTAINERS
            )
        )
    if count > MAX_DEPTH:  # fewer brackets than that cannot nest deeper
        raw = np.frombuffer(data, np.uint8)
        opened = (raw == ord("[")) | (raw == ord("{"))
        closed = (raw == ord("]")) | (raw == ord("}"))
        if int(np.max(np.cumsum(opened.astype(np.int32) - closed))) > MAX_DEPTH:
            raise WireError(_("a message is nested deeper than {limit} levels").format(limit=MAX_DEPTH))


def encode(value: Any, make_handle: Callable[[Any], Handle | Opaque]) -> Any:
    """Turn a value into JSON-ready data; objects that are not plain data become handles."""
    if value is None or isinstance(value, (bool, str)) or type(value) in (int, float):
        return value
    if type(value) is complex:
        return {"$t": "complex", "re": value.real, "im": value.imag}
    if type(value) is list:
        return [encode(item, make_handle) for item in value]
    if type(value) is tuple:
        return {"$t": "tuple", "items": [encode(item, make_handle) for item in value]}
    if type(value) is dict:
        return {"$t": "dict", "items": [[encode(k, make_handle), encode(v, make_handle)] for k, v in value.items()]}
    if type(value) is np.ndarray and value.dtype.kind in _NUMERIC_KINDS:
        return _encode_array("nd", value)
    if isinstance(value, np.generic) and type(value).__module__ == "numpy" and value.dtype.kind in _NUMERIC_KINDS:
        return _encode_array("np", np.asarray(value))
    if type(value) is Probe:
        return {"$t": "fn", "name": value.name, "params": encode(dict(value.params), make_handle)}
    if isinstance(value, Alias):
        return {"$t": "alias", "index": value.index, "value": _encode_array("nd", value.array)}
    if isinstance(value, Handle):
        return {"$t": "ref", "id": value.id, "kind": value.kind}
    if isinstance(value, Opaque):
        return {"$t": "opaque", "id": value.id}
    return encode(make_handle(value), make_handle)


def _encode_array(tag: str, array: np.ndarray) -> dict:
    data = base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()
    return {"$t": tag, "dtype": array.dtype.str, "shape": list(array.shape), "data": data}


def decode(data: Any, resolve: Callable[[dict], Any]) -> Any:
    """Rebuild a value from JSON data; `resolve` turns "ref", "alias" and "opaque" tags into objects of this side."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(item, resolve) for item in data]
    if not isinstance(data, dict):
        raise WireError(_("unexpected JSON value of type {type}").format(type=type(data).__name__))
    tag = data.get("$t")
    if tag == "tuple":
        return tuple(decode(item, resolve) for item in _field(data, "items", list))
    if tag == "dict":
        return {_key(decode(k, resolve)): decode(v, resolve) for k, v in _pairs(data)}
    if tag == "complex":
        return complex(_field(data, "re", (int, float)), _field(data, "im", (int, float)))
    if tag in ("nd", "np"):
        array = _decode_array(data)
        return array if tag == "nd" else array[()]
    if tag == "fn":
        params = decode(data.get("params", {"$t": "dict", "items": []}), resolve)
        if not isinstance(params, dict) or not isinstance(data.get("name"), str):
            raise WireError(_("a probe function needs a name and a dict of parameters"))
        try:
            return Probe(data["name"], tuple(sorted(params.items())))
        except ValueError as exc:
            raise WireError(str(exc)) from None
    if tag in ("ref", "alias", "opaque"):
        return resolve(data)
    raise WireError(_("unknown value tag {tag}").format(tag=repr(tag)))


def _field(data: dict, name: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise WireError(_("value field {name} is missing or of the wrong type").format(name=repr(name)))
    return value


def _pairs(data: dict) -> list:
    items = _field(data, "items", list)
    if not all(isinstance(pair, list) and len(pair) == 2 for pair in items):
        raise WireError(_("dict items must be pairs"))
    return items


def _key(key: Any) -> Any:
    try:
        hash(key)
    except TypeError:
        raise WireError(_("a dict key is not hashable")) from None
    return key


def _decode_array(data: dict) -> np.ndarray:
    try:
        dtype = np.dtype(_field(data, "dtype", str))
    except TypeError:
        raise WireError(_("an array has an unknown dtype")) from None
    if dtype.kind not in _NUMERIC_KINDS or dtype.hasobject or dtype.fields:
        raise WireError(_("an array of dtype {dtype} is not plain numeric data").format(dtype=dtype))
    shape = _field(data, "shape", list)
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise WireError(_("an array shape must be a list of non-negative integers"))
    raw = base64.b64decode(_field(data, "data", str), validate=True)
    if len(raw) != math.prod(shape) * dtype.itemsize:  # Python ints: a forged shape cannot overflow
        raise WireError(_("an array's data does not match its shape and dtype"))
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
