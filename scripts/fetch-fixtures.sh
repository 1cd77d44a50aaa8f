#!/usr/bin/env bash
# Fetches the pinned upstream state-test fixtures for users without ../shared/fixtures.
# Usage: scripts/fetch-fixtures.sh [DEST]   (default: ../shared/fixtures next to the repo)
# Then run: ZKEVM_FIXTURES=DEST cargo test -p zkevm-cli --test statetests
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/../shared/fixtures}"
mkdir -p "$dest"

fetch() { # repo commit subdir target
  local repo=$1 commit=$2 sub=$3 target=$4 tmp
  if [ -e "$dest/$target" ]; then echo "have $target"; return; fi
  tmp="$(mktemp -d)"
  git -C "$tmp" init -q
  git -C "$tmp" remote add origin "https://github.com/$repo.git"
  git -C "$tmp" config core.sparseCheckout true
  echo "$sub" > "$tmp/.git/info/sparse-checkout"
  git -C "$tmp" fetch -q --depth 1 origin "$commit"
  git -C "$tmp" checkout -q FETCH_HEAD
  mkdir -p "$(dirname "$dest/$target")"
  mv "$tmp/$sub" "$dest/$target"
  rm -rf "$tmp"
  echo "fetched $target"
}

# Commits from shared/fixtures/README.md.
fetch ethereum/legacytests 71560ecd8d6b9e8b9a4280aba66dbab762608edf \
  Cancun/GeneralStateTests ethereum-legacytests/Cancun/GeneralStateTests
# Only the three Cancun-only files that replace large legacy ones (as in shared/fixtures).
for f in stEIP1559/intrinsic.json stStackTests/stackOverflowM1PUSH.json stStackTests/stackOverflowPUSH.json; do
  fetch ethereum/tests 4c87ebbf024a3e9ec842bcce90564f629a3bcd82 \
    "GeneralStateTests/$f" "ethereum-tests/GeneralStateTests/$f"
done
# evm-state: RLP and trie tests, the mainnet genesis, eth_getProof exchanges and their chain.
for d in RLPTests TrieTests; do
  fetch ethereum/tests 4c87ebbf024a3e9ec842bcce90564f629a3bcd82 "$d" "ethereum-tests/$d"
done
fetch ethereum/execution-specs 1626a8c15fbff66a0b08befac9b33d6b25766a7c \
  src/ethereum/assets/mainnet.json execution-specs/mainnet.json
fetch ethereum/execution-apis 033ca6e69da000445840d2060ff47e5e56172a86 \
  tests/chain.rlp execution-apis/chain.rlp
fetch ethereum/execution-apis 033ca6e69da000445840d2060ff47e5e56172a86 \
  tests/eth_getProof execution-apis/eth_getProof
# Benchmarks (tests/ QEMU runs, cli/benches/compare.rs, evm-core's bench_vs_revm).
fetch ipsilon/evm-benchmarks d8b88f4046a87d6b902378cef752591f95427b43 \
  benchmarks ipsilon-evm-benchmarks/benchmarks
echo "fixtures in $dest"
