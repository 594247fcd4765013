"""Strict validators built from the official SDKs' own types.

The Stainless-generated SDKs (``runwayml``, ``lumaai``) describe each create call as a
``TypedDict`` (or a union of them, one per model) whose keys are Python names; the wire name is
an ``Annotated[..., PropertyInfo(alias=...)]`` the SDK applies when it serialises. pydantic
alone would read those TypedDicts loosely (wire aliases unknown, ``Iterable`` fields validated
lazily, extra keys allowed), so ``strict_adapter`` rebuilds each one as a pydantic TypedDict with
the alias as the field's alias, lists for iterables, ``extra='forbid'`` and strict scalars (a
duration of ``5.0`` is not the ``int`` the type asks for). A body that validates here is one the
SDK could have sent; the validated value is keyed by Python names, ready to pass to the SDK.

Responses are the SDKs' pydantic models, which allow unknown keys (a newer API may add some);
``check_response`` also refuses keys the model does not declare, so a fake response a test
feeds an adapter cannot carry a field the provider never sends.
"""

from __future__ import annotations

import collections.abc
import functools
import types
import typing
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pydantic
import pydantic.v1
import typing_extensions
from pydantic import BeforeValidator, ConfigDict, Field, TypeAdapter

STRICT = ConfigDict(extra="forbid", strict=True)
_WRAPPERS = (typing.Required, typing.NotRequired, typing_extensions.Required,
             typing_extensions.NotRequired)
_SEQUENCES = (collections.abc.Iterable, collections.abc.Sequence, list, tuple)


def strict_adapter(params: Any) -> TypeAdapter[Any]:
    """A TypeAdapter that accepts exactly the wire bodies ``params`` (an SDK params type) allows."""
    return TypeAdapter(_convert(params))


def _convert(tp: Any) -> Any:
    if _is_typed_dict(tp):
        return _typed_dict(tp)
    origin = get_origin(tp)
    if origin is Annotated:
        base, *metadata = get_args(tp)
        kept = [m for m in metadata if not _is_property_info(m)]
        converted = _convert(base)
        return Annotated[converted, *kept] if kept else converted
    if origin in (Union, types.UnionType):
        members = tuple(_convert(arg) for arg in get_args(tp))
        union = Union[members]  # noqa: UP007 (built from a runtime tuple)
        key = _discriminator(get_args(tp))
        return Annotated[union, Field(discriminator=key)] if key else union
    if origin in _SEQUENCES:
        (item,) = get_args(tp)[:1] or (Any,)
        return list[_convert(item)]  # type: ignore[misc]
    if origin in (dict, collections.abc.Mapping):
        key, value = get_args(tp) or (str, Any)
        return dict[key, _convert(value)]  # type: ignore[misc,valid-type]
    if origin is Literal and not all(isinstance(option, str) for option in get_args(tp)):
        # string Literals stay plain: pydantic tags unions by them, and str is exact already
        return Annotated[tp, BeforeValidator(functools.partial(_exact_literal, get_args(tp)))]
    if tp is object:
        return Any
    return tp


def _exact_literal(allowed: tuple[Any, ...], value: Any) -> Any:
    """pydantic matches ``8.0`` or ``True`` to ``Literal[8, 1]`` (equal and same hash); the wire
    type must match too, since the API reads JSON ``8.0`` or ``true`` as another value."""
    if not any(type(value) is type(option) and value == option for option in allowed):
        raise ValueError(f"{value!r} is not one of {list(allowed)!r}")
    return value


@functools.cache
def _typed_dict(td: type) -> Any:
    hints = typing.get_type_hints(td, include_extras=True)
    fields: dict[str, Any] = {}
    for name, hint in hints.items():
        required = name in getattr(td, "__required_keys__", ())
        while get_origin(hint) in _WRAPPERS:
            required = get_origin(hint) in (typing.Required, typing_extensions.Required)
            (hint,) = get_args(hint)
        alias = _alias(hint)
        value = Annotated[_convert(hint), Field(alias=alias)] if alias else _convert(hint)
        fields[name] = typing_extensions.Required[value] if required else value
    rebuilt = typing_extensions.TypedDict(f"Strict{td.__name__}", fields, total=False)  # type: ignore[operator]
    rebuilt.__pydantic_config__ = STRICT  # type: ignore[attr-defined]
    return rebuilt


def _alias(hint: Any) -> str | None:
    if get_origin(hint) is Annotated:
        for meta in get_args(hint)[1:]:
            if _is_property_info(meta) and getattr(meta, "alias", None):
                return str(meta.alias)
    return None


def _discriminator(members: tuple[Any, ...]) -> str | None:
    """The key every member pins to a Literal (``model`` for Runway's per-model unions)."""
    if not members or not all(_is_typed_dict(m) for m in members):
        return None
    for key in ("model", "type", "generation_type"):
        if all(_literal_key(m, key) for m in members):
            return key
    return None


def _literal_key(td: type, key: str) -> bool:
    hint = typing.get_type_hints(td, include_extras=True).get(key)
    while hint is not None and get_origin(hint) in (*_WRAPPERS, Annotated):
        hint = get_args(hint)[0]
    return get_origin(hint) is Literal


def _is_typed_dict(tp: Any) -> bool:
    return isinstance(tp, type) and typing_extensions.is_typeddict(tp)


def _is_property_info(meta: Any) -> bool:
    return type(meta).__name__ == "PropertyInfo"


# -- responses -------------------------------------------------------------------------------


def check_response(model: Any, body: Any) -> Any:
    """Validate ``body`` against an SDK response model (a pydantic v2 or v1 class, or a union),
    then refuse any key the model does not declare, at any depth."""
    if isinstance(model, type) and issubclass(model, pydantic.v1.BaseModel):
        return _check_v1(model, body)
    parsed = TypeAdapter(_discriminated(model)).validate_python(body)
    _no_extras(parsed, "")
    return parsed


def _discriminated(model: Any) -> Any:
    """Stainless marks a union's discriminator with PropertyInfo; pydantic needs a Field."""
    if get_origin(model) is Annotated:
        base, *metadata = get_args(model)
        for meta in metadata:
            key = getattr(meta, "discriminator", None) if _is_property_info(meta) else None
            if key:
                return Annotated[base, Field(discriminator=key)]
    return model


def _no_extras(value: Any, where: str) -> None:
    if isinstance(value, pydantic.BaseModel):
        extra = value.model_extra or {}
        if extra:
            raise AssertionError(f"{type(value).__name__}{where}: keys the SDK model does not "
                                 f"declare: {sorted(extra)}")
        for name in type(value).model_fields:
            _no_extras(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _no_extras(item, f"{where}[{index}]")


def _check_v1(model: type[pydantic.v1.BaseModel], body: Any) -> Any:
    if not isinstance(body, dict):
        raise AssertionError(f"{model.__name__}: expected an object, got {body!r:.80}")
    declared = {field.alias for field in model.__fields__.values()}
    extra = sorted(set(body) - declared)
    if extra:
        raise AssertionError(f"{model.__name__}: keys the SDK model does not declare: {extra}")
    return model.parse_obj(body)


def check_body(params: Any, body: Any, label: str) -> Any:
    """``body`` validated against ``params``, or an AssertionError listing each wrong field."""
    try:
        return strict_adapter(params).validate_python(body)
    except pydantic.ValidationError as exc:
        raise AssertionError(f"{label} rejects the body: {_problems(exc)}") from None


def check_model_input(model: type[pydantic.BaseModel], value: Any, label: str) -> Any:
    """``value`` validated against a documented model input, or an AssertionError naming each
    wrong field."""
    try:
        return model.model_validate(value)
    except pydantic.ValidationError as exc:
        raise AssertionError(f"{label}'s documented input rejects it: {_problems(exc)}") from None


def _problems(exc: pydantic.ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
