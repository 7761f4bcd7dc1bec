#!/usr/bin/env bash
# Build the Claude Desktop bundle (.mcpb): stage the package with bundle/manifest.json, validate the
# manifest and pack it with @anthropic-ai/mcpb (pinned: this version runs on Node 20).
#   bash scripts/build_mcpb.sh [output-dir]      -> <output-dir>/hotmart-membrane-mcp-<version>.mcpb
# The bundle is a "uv" bundle: Claude Desktop installs Python and the dependencies of the staged
# pyproject.toml itself, so nothing compiled (pydantic) is shipped.
set -euo pipefail
cd "$(dirname "$0")/.."
MCPB="@anthropic-ai/mcpb@2.1.2"
out="$(realpath -m "${1:-dist}")"
version="$(python3 -c 'import re, pathlib; print(re.search(r"^version = \"(.+)\"", pathlib.Path("pyproject.toml").read_text(), re.M)[1])')"
manifest_version="$(python3 -c 'import json; print(json.load(open("bundle/manifest.json"))["version"])')"
if [[ "$version" != "$manifest_version" ]]; then
    echo "bundle/manifest.json has version $manifest_version but pyproject.toml has $version" >&2
    exit 1
fi

stage="$(mktemp -d)/hotmart-membrane-mcp"
mkdir -p "$stage/server" "$out"
cp bundle/manifest.json pyproject.toml README.md LICENSE "$stage/"
cp -r server/hotmart_membrane_mcp "$stage/server/"
find "$stage" -name __pycache__ -type d -prune -exec rm -rf {} +

npx -y "$MCPB" validate "$stage/manifest.json"
npx -y "$MCPB" pack "$stage" "$out/hotmart-membrane-mcp-$version.mcpb"
echo "built $out/hotmart-membrane-mcp-$version.mcpb"
