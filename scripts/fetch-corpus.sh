#!/usr/bin/env bash
# Download the real applications that tests/accuracy/score.py measures fastapi-perf on.
#
# usage: scripts/fetch-corpus.sh DEST [--only wheels|repos]
#
#   DEST/src/<name>/            each pinned PyPI wheel, unpacked with its *.dist-info
#                               (pip download --require-hashes: name, version and sha256)
#   DEST/repos/<owner+name>/    each pinned GitHub repository at its commit
#                               (https://codeload.github.com/OWNER/NAME/tar.gz/COMMIT,
#                               checked against the commit id the archive carries)
#   DEST/repos/COMMITS.txt      "owner/name commit" for every repository fetched
#
# The code is third-party: it is read by the analyser, never run, never committed.
# Re-running keeps downloaded wheels and archives and unpacks them again.
set -euo pipefail

usage() { echo "usage: $0 DEST [--only wheels|repos]" >&2; exit 2; }
[ $# -ge 1 ] || usage
dest=$1; shift
only=all
if [ $# -gt 0 ]; then
  [ "$1" = --only ] && [ $# -eq 2 ] || usage
  case $2 in wheels|repos) only=$2 ;; *) usage ;; esac
fi
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
PY=${PYTHON:-python3}

# spec  wheel-file  sha256 (the same pins as the triage corpus)
WHEELS=(
  "litellm==1.110.2 litellm-1.110.2-cp310-abi3-manylinux_2_28_x86_64.whl 9d94d1c7d524b6fd10c14f9c8c6c4f0ac31705f9964ac59dcfd8337c046d8917"
  "prefect==3.9.1 prefect-3.9.1-py3-none-any.whl 0c662e26e971b617993eed1f3d02fb8bc3c2dd47bee521b495f6e4dfeb38ae74"
  "mlflow==3.18.0 mlflow-3.18.0-py3-none-any.whl be7d84ba0d0b12392f5b53260cdb3e6d7b7ef4b80c29da90a89b5a1f6db7102f"
  "gradio==6.31.0 gradio-6.31.0-py3-none-any.whl 7b50b9b6a2d23cd02851ad4c8b1c8312c88d8b911d1f29c93f9761c98348a64a"
  "langflow-base==1.13.0 langflow_base-1.13.0-py3-none-any.whl e15db23e16cf27d6d1ac8fcc5030cf25ad3a04356a9581862b4e97de739dd3a2"
  "chainlit==2.12.0 chainlit-2.12.0-py3-none-any.whl 17cbd2c408f775a123892984bf9170674b5c81a01f7a8af278912e2786253ffc"
  "zenml==0.98.0 zenml-0.98.0-py3-none-any.whl 801ffbe1821bd48dfc03c9fd5519f5a7d4387d86b3d48d08bd2057dfcde5ad30"
  "argilla-server==2.8.0 argilla_server-2.8.0-py3-none-any.whl e21a5c979ef6536fca634dc957469daca8fb09440c39b2fbeefb223459cc61e0"
  "invokeai==6.14.2 invokeai-6.14.2-py3-none-any.whl 7833fe4255d4d7ebe5083ee2170e6c041d91e88c39c27d0b8dfda17ecdf8ebe2"
  "lnbits==1.6.2 lnbits-1.6.2-py3-none-any.whl 25649a8b40f58e30e19aa9bb3c391a92b26e47cf9f028818fcab10b38a849339"
  "dstack==0.22.5 dstack-0.22.5-py3-none-any.whl e83cd6b7161f379ed173c012cd4d4149d1c395af6abf1dae61a9143f78e3cd04"
  "fastapi-users==15.0.5 fastapi_users-15.0.5-py3-none-any.whl 10fd4f3e85ed66f694a6ca2ecac609af4e59d1f9ec64d1557f5912dccfd87c7f"
  "sqladmin==0.32.0 sqladmin-0.32.0-py3-none-any.whl 4f5cff4ab8e5349a3dcad17f3a4d46a7867b54b92ac45e5626fdb96e465c127f"
  "fastapi-pagination==0.16.1 fastapi_pagination-0.16.1-py3-none-any.whl a91f030f764a5077b6cea41bc1df8c4cf738ac5bad2dc29977f3f0482e6202d2"
)

# owner/name  commit
REPOS=(
  "fastapi/full-stack-fastapi-template 68adb40d37425f6f8668ec7e5a054500d045e43e"
  "fastapi-practices/fastapi_best_architecture 2e86d79150c0abf0191dc8c189734214c4934a17"
  "nsidnev/fastapi-realworld-example-app 029eb7781c60d5f563ee8990a0cbfb79b244538c"
  "onyx-dot-app/onyx a7d66a8b778c3f9026c4f89dae47d14a3f84816f"
  "zylon-ai/private-gpt ab89a0d67bf6a30481081bdc7c487b484d82f91b"
  "polarsource/polar c6c3645e639ee8eeaa05aa0835cf8e39e330382f"
  "letta-ai/letta 56ba9c25552605eec89de8ed3dc6394b625c1993"
)

fail() { echo "corpus: $*" >&2; exit 1; }

fetch_wheels() {
  mkdir -p "$dest/wheels" "$dest/src"
  local entry spec file sha name requirement
  for entry in "${WHEELS[@]}"; do
    read -r spec file sha <<<"$entry"
    name=${spec%%==*}
    if [ ! -f "$dest/wheels/$file" ]; then
      requirement=$(mktemp)
      echo "$spec --hash=sha256:$sha" >"$requirement"
      # The platform and interpreter are pinned so that every host picks the same file
      # (only litellm ships a platform-specific wheel).
      "$PY" -m pip download --quiet --no-deps --require-hashes --only-binary=:all: \
        --platform manylinux_2_28_x86_64 --python-version 3.11 --implementation cp \
        --dest "$dest/wheels" -r "$requirement" || { rm -f "$requirement"; fail "pip could not download $spec"; }
      rm -f "$requirement"
    fi
    [ -f "$dest/wheels/$file" ] || fail "$spec did not produce $file"
    echo "$sha  $dest/wheels/$file" | sha256sum -c --quiet - || fail "sha256 mismatch for $file"
    rm -rf "$dest/src/$name"
    mkdir -p "$dest/src/$name"
    "$PY" -m zipfile -e "$dest/wheels/$file" "$dest/src/$name"
    ls -d "$dest/src/$name"/*.dist-info >/dev/null 2>&1 || fail "$file has no .dist-info"
    echo "corpus: $spec -> src/$name"
  done
  echo "corpus: ${#WHEELS[@]} wheels unpacked under $dest/src"
}

fetch_repos() {
  mkdir -p "$dest/archives" "$dest/repos"
  local entry slug commit folder archive url found
  local listing="$dest/repos/COMMITS.txt"
  touch "$listing"
  for entry in "${REPOS[@]}"; do
    read -r slug commit <<<"$entry"
    folder="$dest/repos/${slug/\//+}"
    archive="$dest/archives/${slug/\//+}-$commit.tar.gz"
    url="https://codeload.github.com/$slug/tar.gz/$commit"
    if [ ! -s "$archive" ]; then
      if ! curl --fail --silent --show-error --location --retry 2 --connect-timeout 20 \
        --output "$archive.part" "$url"; then
        rm -f "$archive.part"
        fail "cannot download $url (is GitHub reachable from here?). The repositories are not fetched;" \
          "the wheels are unaffected. Run \`$0 $dest --only repos\` where GitHub is reachable."
      fi
      mv "$archive.part" "$archive"
    fi
    # GitHub's archives carry the commit they were made from in their pax header.
    found=$(gzip -dc "$archive" | git get-tar-commit-id 2>/dev/null || true)
    if [ "$found" != "$commit" ]; then
      rm -f "$archive"
      fail "the archive from $url is not $slug at $commit (it says ${found:-no commit}); removed it"
    fi
    rm -rf "$folder" "$folder.part"
    mkdir -p "$folder.part"
    tar -xzf "$archive" -C "$folder.part" --strip-components=1 --no-same-owner --no-same-permissions
    mv "$folder.part" "$folder"
    grep -v "^$slug " "$listing" >"$listing.new" || true
    echo "$slug $commit" >>"$listing.new"
    sort "$listing.new" >"$listing"
    rm -f "$listing.new"
    echo "corpus: $slug@$commit -> repos/${slug/\//+}"
  done
  echo "corpus: ${#REPOS[@]} repositories unpacked under $dest/repos"
}

case $only in
  wheels) fetch_wheels ;;
  repos) fetch_repos ;;
  all) fetch_wheels; fetch_repos ;;
esac
