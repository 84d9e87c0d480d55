"""
Huawei's own Python SDK (huaweicloudsdkcore and friends, pinned by scripts/huawei-sdk.js),
run as the oracle of test/oracle: one JSON request on stdin, one JSON answer on stdout.
Nothing here decides anything: each operation calls Huawei's code as Huawei's tools call
it and reports what it did.

  {"op": "resolve", "region": ..., "metadataEndpoint": ...}
      CredentialProviderChain.get_basic().get_credentials() with this process's
      environment (the test sets it), and the IAM endpoint Huawei's code would then use.
  {"op": "ini", "texts": [<base64>, ...]}
      each file read as ProfileCredentialProvider reads it: section [basic]'s items.
  {"op": "sign", "request": {...}, "ak": ..., "sk": ...}
      huaweicloudsdkcore's Signer on one request: the headers it adds.
  {"op": "call", "endpoint": ..., "ak": ..., "sk": ..., "projectId": ..., "call": ..., "args": {...}}
      one ServiceStage v3 client call; the raw answer and its check against the models.
"""
import base64
import configparser
import importlib
import json
import os
import sys
import tempfile


def resolve(req):
    from huaweicloudsdkcore.auth import internal
    from huaweicloudsdkcore.auth.internal import FederalAccessor, MetadataAccessor, OidcStsAccessor, IamHelper, StsHelper
    from huaweicloudsdkcore.auth.provider import CredentialProviderChain

    if req.get("metadataEndpoint"):
        MetadataAccessor._METADATA_ENDPOINT = req["metadataEndpoint"]
    try:
        creds = CredentialProviderChain.get_basic().get_credentials()
    except Exception as e:  # the chain's own failure, or one it lets through (configparser's)
        return {"error": type(e).__name__, "message": str(e)}
    accessor = creds.sts_accessor
    kind = (
        "oidc" if isinstance(accessor, FederalAccessor)
        else "metadata" if isinstance(accessor, MetadataAccessor)
        else "oidcSts" if isinstance(accessor, OidcStsAccessor)
        else "static"
    )
    # Where Huawei's code would go next: with a project id, process_sts's region-less IAM
    # endpoint; without one, process_auth_params's endpoint of the region (Credentials).
    iam = creds.iam_endpoint or (IamHelper.get_iam_endpoint() if creds.project_id else IamHelper.get_iam_endpoint(req.get("region")))
    out = {
        "kind": kind,
        "projectId": creds.project_id,
        "iamEndpoint": iam,
    }
    if kind == "static":
        out.update({"accessKey": creds.ak, "secretKey": creds.sk, "securityToken": creds.security_token})
    if kind == "oidc":
        out.update({"idpId": creds.idp_id, "idTokenFile": creds.id_token_file})
    if kind == "metadata":
        out.update({"accessKey": creds.ak, "secretKey": creds.sk, "securityToken": creds.security_token})
    if kind == "oidcSts":
        out.update({
            "stsEndpoint": creds.sts_endpoint or StsHelper.get_sts_endpoint(),
            "providerUrn": accessor._provider_urn,
            "agencyUrn": accessor._agency_urn,
            "sessionName": accessor._agency_session_name,
            "durationSeconds": accessor._duration_seconds,
        })
    return out


def ini(req):
    return {"results": [ini_one(text) for text in req["texts"]]}


def ini_one(text):
    data = base64.b64decode(text)
    with tempfile.NamedTemporaryFile("wb", suffix=".ini", delete=False) as f:
        f.write(data)
        path = f.name
    try:
        parser = configparser.ConfigParser()
        try:
            if not parser.read(path, encoding="utf-8"):
                return {"missing": True}
            if not parser.has_section("basic"):
                return {"section": None}
            return {"section": dict(parser.items("basic"))}
        except (configparser.Error, UnicodeDecodeError) as e:
            return {"error": type(e).__name__}
    finally:
        os.unlink(path)


def sign(req):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    r = req["request"]
    request = SdkRequest(
        method=r["method"],
        schema="http",
        host=r["host"],
        resource_path=r["path"],
        query_params=[tuple(p) for p in r.get("query", [])],
        header_params=dict(r.get("headers", {})),
        body=base64.b64decode(r["body"]) if r.get("body") else "",
    )
    Signer(BasicCredentials(req["ak"], req["sk"])).sign(request)
    return {"headers": request.header_params, "uri": request.uri}


def _enum_values(cls):
    """The values of an SDK enum class (its docstring says 'allowed enum values', it declares no fields)."""
    if cls.openapi_types or "allowed enum values" not in (cls.__doc__ or ""):
        return None
    return {v for k, v in vars(cls).items() if k.isupper() and isinstance(v, str)}


def check_model(type_name, value, path, problems, models, extra):
    """Problems of a JSON value read as the SDK's declared type (unknown enum values, wrong shapes); fields the model lacks go to `extra`."""
    if value is None:
        return
    if type_name.startswith("list["):
        if not isinstance(value, list):
            problems.append(f"{path}: a list in the model, {type(value).__name__} in the answer")
            return
        for i, v in enumerate(value):
            check_model(type_name[5:-1], v, f"{path}[{i}]", problems, models, extra)
        return
    if type_name.startswith("dict("):
        return
    scalars = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "object": (object,), "datetime": (str,), "date": (str,)}
    if type_name in scalars:
        if not isinstance(value, scalars[type_name]) or (type_name in ("int", "float") and isinstance(value, bool)):
            problems.append(f"{path}: {type_name} in the model, {type(value).__name__} {json.dumps(value)} in the answer")
        return
    cls = getattr(models, type_name, None)
    if cls is None:
        problems.append(f"{path}: the model names an unknown type {type_name}")
        return
    allowed = _enum_values(cls)
    if allowed is not None:
        if value not in allowed:
            problems.append(f"{path}: {json.dumps(value)} is not one of {type_name}'s values {sorted(allowed)}")
        return
    if not isinstance(value, dict):
        problems.append(f"{path}: {type_name} (an object) in the model, {type(value).__name__} in the answer")
        return
    by_key = {v: k for k, v in cls.attribute_map.items()}
    for key, v in value.items():
        if key not in by_key:
            extra.append(f"{path}.{key}")
            continue
        check_model(cls.openapi_types[by_key[key]], v, f"{path}.{key}", problems, models, extra)


def build(type_name, value, models):
    """A request model from its JSON shape (enum values and scalars as they are)."""
    if value is None:
        return None
    if type_name.startswith("list["):
        return [build(type_name[5:-1], v, models) for v in value]
    cls = getattr(models, type_name, None)
    if cls is None or _enum_values(cls) is not None or not isinstance(value, dict):
        return value
    by_key = {v: k for k, v in cls.attribute_map.items()}
    return cls(**{by_key[k]: build(cls.openapi_types[by_key[k]], v, models) for k, v in value.items()})


def call(req):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdkservicestage.v3 import ServiceStageClient
    import huaweicloudsdkservicestage.v3.model as models

    client = (
        ServiceStageClient.new_builder()
        .with_credentials(BasicCredentials(req["ak"], req["sk"], req["projectId"]))
        .with_endpoints([req["endpoint"]])
        .build()
    )
    request_cls = getattr(models, req["call"] + "Request")
    request = request_cls(**{k: v for k, v in req.get("args", {}).items() if k != "body"})
    if "body" in req.get("args", {}):
        request.body = build(request_cls.openapi_types["body"], req["args"]["body"], models)
    method = getattr(client, "_".join(
        part.lower() for part in __import__("re").findall(r"[A-Z][a-z0-9]*", req["call"])))
    try:
        response = method(request)
    except ClientRequestException as e:
        return {"status": e.status_code, "errorCode": e.error_code, "errorMsg": e.error_msg}
    raw = json.loads(response.raw_content) if getattr(response, "raw_content", None) else None
    problems, extra = [], []
    response_cls = getattr(models, req["call"] + "Response")
    if raw is not None:
        by_key = {v: k for k, v in response_cls.attribute_map.items()}
        for key, v in raw.items():
            if key not in by_key:
                extra.append(key)
                continue
            check_model(response_cls.openapi_types[by_key[key]], v, key, problems, models, extra)
    declared = sorted(set(response_cls.attribute_map.values()) - {"X-Request-Id", "X-request-id"})
    return {"status": response.status_code, "body": raw, "problems": problems, "extra": extra, "declared": declared}


OPS = {"resolve": resolve, "ini": ini, "sign": sign, "call": call}

if __name__ == "__main__":
    request = json.load(sys.stdin)
    json.dump(OPS[request["op"]](request), sys.stdout, default=str)
