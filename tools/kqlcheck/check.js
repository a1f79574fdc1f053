#!/usr/bin/env node
// check.js: offline, schema-aware KQL validation with Microsoft's Kusto.Language
// (npm @kusto/language-service-next@12.4.1, installed by `npm ci` at the repo root).
//
// Usage:
//   node tools/kqlcheck/check.js --tables kql/tables [--lint] FILE.kql ...
//       One query per file. Prints `file:line:col: Severity KSxxx: message` for every
//       diagnostic, then `N passed, N failed`.
//   node tools/kqlcheck/check.js --tables kql/tables [--lint] --stdin
//       Batch mode. Reads a JSON array [{"id": str, "text": str}, ...] on stdin and
//       prints one JSON object {id: {"ok", "diagnostics", "resultSchema"}} on stdout.
//
// --tables DIR loads every DIR/*.json (except *.schema.json) as a CustomTables-style table
// schema into the database "LogAnalytics". --timing reports load/check times on stderr.
//
// Exit status: 0 = no Error diagnostics, 1 = at least one query has an Error,
//              2 = usage, input or schema problem (message on stderr, nothing on stdout).
"use strict";
const fs = require("fs");
const path = require("path");

const USAGE =
  "usage: node check.js --tables DIR [--lint] [--timing] (--stdin | FILE.kql ...)\n" +
  "  --stdin reads a JSON array of {\"id\": str, \"text\": str} and prints JSON results";

class UsageError extends Error {}

function parseArgs(argv) {
  const args = { tables: null, stdin: false, lint: false, timing: false, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--tables") {
      if (i + 1 >= argv.length) throw new UsageError("--tables needs a directory");
      args.tables = argv[++i];
    } else if (a === "--stdin") args.stdin = true;
    else if (a === "--lint") args.lint = true;
    else if (a === "--timing") args.timing = true;
    else if (a === "-h" || a === "--help") {
      process.stdout.write(USAGE + "\n");
      process.exit(0);
    } else if (a.startsWith("--")) throw new UsageError(`unknown option ${a}`);
    else args.files.push(a);
  }
  if (!args.tables) throw new UsageError("--tables DIR is required");
  if (args.stdin && args.files.length) throw new UsageError("give either --stdin or files, not both");
  if (!args.stdin && !args.files.length) throw new UsageError("no input: give --stdin or .kql files");
  return args;
}

function loadTables(dir) {
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    throw new UsageError(`cannot read tables directory ${dir}: ${e.message}`);
  }
  const files = names.filter((n) => n.endsWith(".json") && !n.endsWith(".schema.json")).sort();
  if (!files.length) throw new UsageError(`no table schema files (*.json) in ${dir}`);
  return files.map((n) => {
    const file = path.join(dir, n);
    let spec;
    try {
      spec = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new UsageError(`${file}: ${e.message}`);
    }
    if (!spec || spec.Name !== path.basename(n, ".json")) {
      throw new UsageError(`${file}: "Name" must equal the file name (${path.basename(n, ".json")})`);
    }
    return spec;
  });
}

function readStdin() {
  // fd 0 read synchronously: simple and fine for the few hundred KB a batch can be.
  return fs.readFileSync(0, "utf8");
}

function parseBatch(raw) {
  let items;
  try {
    items = JSON.parse(raw);
  } catch (e) {
    throw new UsageError(`stdin is not valid JSON: ${e.message}`);
  }
  if (!Array.isArray(items)) throw new UsageError("stdin must be a JSON array of {id, text}");
  const seen = new Set();
  items.forEach((it, i) => {
    if (!it || typeof it.id !== "string" || typeof it.text !== "string") {
      throw new UsageError(`item ${i}: expected {"id": string, "text": string}`);
    }
    if (seen.has(it.id)) throw new UsageError(`item ${i}: duplicate id ${JSON.stringify(it.id)}`);
    seen.add(it.id);
  });
  return items;
}

function ms(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function main(argv) {
  const t0 = process.hrtime.bigint();
  const args = parseArgs(argv);

  // Bridge.NET runtime first (defines the globals Bridge and System), then Kusto.Language.
  try {
    require("@kusto/language-service-next/bridge.min.js");
    require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
  } catch (e) {
    if (e && e.code === "MODULE_NOT_FOUND") {
      throw new UsageError("@kusto/language-service-next is not installed: run " +
        "`npm ci --no-audit --no-fund` in the repository root");
    }
    throw e;
  }
  const kqlcheck = require("./kqlcheck_core.js");
  const loadMs = ms(t0);

  const t1 = process.hrtime.bigint();
  let globals;
  try {
    globals = kqlcheck.buildGlobals(loadTables(args.tables), { database: "LogAnalytics" });
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError(`schema error: ${e.message}`);
  }
  const schemaMs = ms(t1);

  const opts = { lint: args.lint, resultSchema: true, literals: true };
  const t2 = process.hrtime.bigint();
  let failed = 0;
  let count;
  if (args.stdin) {
    const items = parseBatch(readStdin());
    count = items.length;
    const results = {};
    for (const it of items) {
      const res = kqlcheck.check(globals, it.text, opts);
      results[it.id] = res;
      if (!res.ok) failed++;
    }
    process.stdout.write(JSON.stringify(results) + "\n");
  } else {
    const texts = args.files.map((f) => {
      try {
        return fs.readFileSync(f, "utf8");
      } catch (e) {
        throw new UsageError(`cannot read ${f}: ${e.message}`);
      }
    });
    count = texts.length;
    const lines = [];
    args.files.forEach((f, i) => {
      const res = kqlcheck.check(globals, texts[i], opts);
      if (!res.ok) failed++;
      for (const d of res.diagnostics) {
        lines.push(`${f}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`);
      }
    });
    lines.push(`${count - failed} passed, ${failed} failed`);
    process.stdout.write(lines.join("\n") + "\n");
  }
  if (args.timing) {
    const checkMs = ms(t2);
    process.stderr.write(
      `timing: load ${loadMs.toFixed(0)} ms, schema ${schemaMs.toFixed(0)} ms, ` +
        `${count} checks ${checkMs.toFixed(0)} ms, total ${ms(t0).toFixed(0)} ms\n`);
  }
  // exitCode rather than process.exit(): lets a large stdout write drain into a pipe.
  process.exitCode = failed ? 1 : 0;
}

try {
  main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`check.js: ${e.message}\n${USAGE}\n`);
  } else {
    process.stderr.write(`check.js: internal error: ${(e && e.stack) || e}\n`);
  }
  process.exitCode = 2;
}
