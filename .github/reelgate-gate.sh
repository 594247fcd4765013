#!/usr/bin/env bash
# The pytest step of the reelgate action (action.yml), kept as a script so that a test runs it
# outside GitHub against the simulator. Every input arrives as an environment variable.
set -euo pipefail
mode="${REELGATE_MODE:-replay}"
read -r -a paths <<< "${REELGATE_PATHS:-presets}"
if ! python -c 'import os, shlex; shlex.split(os.environ.get("REELGATE_PYTEST_ARGS", ""))' 2>/dev/null; then
    echo "::error title=reelgate::pytest-args has an unclosed quote: ${REELGATE_PYTEST_ARGS}" >&2
    exit 2
fi
# pytest-args split as a shell would (quotes kept: -k "smoke and not slow"), never evaluated.
mapfile -d '' -t extra < <(python -c 'import os, shlex, sys
sys.stdout.write("".join(arg + "\0" for arg in shlex.split(os.environ.get("REELGATE_PYTEST_ARGS", ""))))')
args=("${paths[@]}" --preset-html "${REELGATE_REPORT:-reelgate-out/report.html}"
      --junitxml "${REELGATE_JUNIT:-reelgate-out/junit.xml}")
if [[ "$mode" == merge ]]; then
    # The whole run from its shards' results (their downloaded artifacts): the page, the summary.
    read -r -a folders <<< "${REELGATE_MERGE_FROM:-reelgate-shards}"
    if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
        reelgate report --merge "${folders[@]}" --format markdown >> "$GITHUB_STEP_SUMMARY"
    fi
    reelgate report --merge "${folders[@]}"
    exec reelgate report --merge "${folders[@]}" --format html --output "${REELGATE_REPORT:-reelgate-out/report.html}"
fi
if [[ -n "${REELGATE_SHARD:-}" ]]; then
    out="$(dirname "${REELGATE_REPORT:-reelgate-out/report.html}")"
    args+=(--preset-shard "$REELGATE_SHARD" --preset-results "$out/results")
fi
case "$mode" in
    replay)
        args+=(--preset-record=none) ;;
    live)
        if [[ -z "${REELGATE_MAX_COST:-}" ]]; then
            echo "::error title=reelgate::mode live needs max-cost (a budget in US dollars for the whole run)" >&2
            exit 2
        fi
        args+=(--preset-record="${REELGATE_RECORD:-new_episodes}" --preset-max-cost "$REELGATE_MAX_COST")
        # Provider keys: NAME=value lines, exported for this step only (GitHub masks secrets' values).
        while IFS= read -r line; do
            [[ -z "${line//[[:space:]]/}" ]] && continue
            if [[ "$line" != *=* ]]; then
                echo "::error title=reelgate::provider-env lines are NAME=value; one is not (its value is not shown)" >&2
                exit 2
            fi
            export "${line%%=*}=${line#*=}"
        done <<< "${REELGATE_PROVIDER_ENV:-}"
        ;;
    *)
        echo "::error title=reelgate::mode must be replay, live or merge, not '$mode'" >&2
        exit 2 ;;
esac
[[ -z "${REELGATE_LEDGER:-}" ]] && unset REELGATE_LEDGER
unset REELGATE_PROVIDER_ENV
exec python -m pytest "${args[@]}" ${extra[@]+"${extra[@]}"}
