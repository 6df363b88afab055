# Sourced by .ci/run: start a real S3-compatible server (versitygw, POSIX
# backend over a temporary folder) on a free loopback port for the storage
# tests, export CURATORE_TEST_S3_*, and stop it when the run ends.
# versitygw is installed into GOPATH/bin when missing; it is never committed.

VERSITYGW_VERSION=v1.8.0

s3_server_start() {
  if [ -n "${CURATORE_TEST_S3_ENDPOINT:-}" ]; then
    echo "S3 test server given: $CURATORE_TEST_S3_ENDPOINT"
    return 0
  fi
  local bin
  bin=$(command -v versitygw || echo "$(go env GOPATH)/bin/versitygw")
  if [ ! -x "$bin" ]; then
    echo "installing versitygw $VERSITYGW_VERSION"
    go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" || return 1
  fi
  local port
  for port in $(seq 17071 17199); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  S3_SERVER_DIR=$(mktemp -d /tmp/curatore-s3.XXXXXX)
  mkdir -p "$S3_SERVER_DIR/root/curatore-test"
  local secret
  secret=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  "$bin" --access curatore-ci --secret "$secret" --port "127.0.0.1:$port" --quiet \
    posix "$S3_SERVER_DIR/root" >"$S3_SERVER_DIR/log" 2>&1 &
  S3_SERVER_PID=$!
  local i
  for i in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
      export CURATORE_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
      export CURATORE_TEST_S3_BUCKET=curatore-test
      export CURATORE_TEST_S3_ACCESS_KEY_ID=curatore-ci
      export CURATORE_TEST_S3_SECRET_ACCESS_KEY="$secret"
      echo "S3 test server (versitygw) on $CURATORE_TEST_S3_ENDPOINT"
      return 0
    fi
    kill -0 "$S3_SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "versitygw did not start:"; cat "$S3_SERVER_DIR/log"
  return 1
}

s3_server_stop() {
  if [ -n "${S3_SERVER_PID:-}" ]; then
    kill "$S3_SERVER_PID" 2>/dev/null || true
    wait "$S3_SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "${S3_SERVER_DIR:-}" ]; then rm -rf "$S3_SERVER_DIR"; fi
}
