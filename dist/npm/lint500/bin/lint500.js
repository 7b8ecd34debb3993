#!/usr/bin/env node
// The `lint500` command of the npm package. The binary itself comes in a package per platform,
// @lint500/cli-<os>-<cpu>[-<libc>], which this package lists as optional dependencies; npm
// installs only the one whose `os`, `cpu` and `libc` fields match the machine. This launcher
// finds it and runs it with this process's arguments and standard streams, forwards the signals
// it receives, and ends the way the binary ended: with its exit code, or by the same signal.
//
// LINT500_BINARY, when set, names the binary to run instead (one built with `cargo install`,
// say, on a platform without a prebuilt one).
"use strict";

const { spawn } = require("node:child_process");
const path = require("node:path");
const { platforms } = require("../platforms.json");

function fail(message) {
  process.stderr.write(`lint500: ${message}\n`);
  process.exit(2);
}

// "glibc" or "musl" on Linux, null elsewhere. Node's diagnostic report names the glibc it runs
// on; on musl it has none.
function libc() {
  if (process.platform !== "linux") {
    return null;
  }
  try {
    process.report.excludeNetwork = true;
    return process.report.getReport().header.glibcVersionRuntime ? "glibc" : "musl";
  } catch {
    return "glibc";
  }
}

function binaryPath() {
  if (process.env.LINT500_BINARY) {
    return process.env.LINT500_BINARY;
  }
  const c = libc();
  const platform = `${process.platform}-${process.arch}${c ? ` (${c})` : ""}`;
  const entry = platforms.find(
    (p) => p.os === process.platform && p.cpu === process.arch && (p.libc === null || p.libc === c),
  );
  if (!entry) {
    const supported = platforms
      .map((p) => `${p.os}-${p.cpu}${p.libc ? ` (${p.libc})` : ""}`)
      .join(", ");
    fail(
      `no prebuilt binary for ${platform}; the npm package has them for ${supported}.\n` +
        "Build lint500 from source with `cargo install --locked --git " +
        "https://github.com/lint500/lint500 lint500` and run it directly, or set LINT500_BINARY " +
        "to the binary's path.",
    );
  }
  let dir;
  try {
    dir = path.dirname(require.resolve(`${entry.package}/package.json`));
  } catch {
    fail(
      `the package ${entry.package}, which carries the binary for ${platform}, is not ` +
        "installed.\nnpm installs it as an optional dependency of lint500: reinstall without " +
        "`--omit=optional` (or `--no-optional`), and if the lockfile was made on another " +
        "platform, let npm update it on this one.",
    );
  }
  return path.join(dir, entry.binary);
}

const binary = binaryPath();
const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });

// A signal sent to this process alone (a process manager stopping it, a CI timeout) reaches
// the binary too. Ctrl-C in a terminal reaches both already; lint500 ends on the first.
const forwarded =
  process.platform === "win32" ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];
const forward = (signal) => {
  if (child.exitCode === null && child.signalCode === null) {
    try {
      child.kill(signal);
    } catch {
      // The binary ended in the meantime.
    }
  }
};
for (const signal of forwarded) {
  process.on(signal, forward);
}

child.on("error", (err) => {
  fail(`cannot run ${binary}: ${err.message}`);
});

child.on("exit", (code, signal) => {
  if (signal) {
    // End by the same signal, so that a shell or a supervisor sees what the binary saw.
    for (const s of forwarded) {
      process.removeListener(s, forward);
    }
    process.kill(process.pid, signal);
    // A signal whose default action is not to end the process gets the shell's convention.
    const number = require("node:os").constants.signals[signal] || 0;
    process.exit(128 + number);
  }
  process.exit(code === null ? 1 : code);
});
