// kqlcheck_core.js: schema-aware KQL validation on top of Microsoft's Kusto.Language
// (npm @kusto/language-service-next, the Bridge.NET build of Kusto.Language).
//
// This file does not load the Kusto.Language scripts itself. The caller must evaluate
// bridge.min.js and then Kusto.Language.Bridge.min.js first, so that the globals `Bridge`
// and `Kusto` exist (check.js does this with require()). Nothing in here uses Node APIs,
// so the same file also works in an embedded V8.
//
// Table schemas use the Azure-Sentinel CustomTables shape, one object per table:
//   {"Name": "ACSCallSummary", "Description": "...",
//    "Properties": [{"Name": "TimeGenerated", "Type": "datetime", "Description": "..."}, ...]}
// Column types must be canonical Kusto scalar type names (string, long, int, real,
// datetime, bool, dynamic, timespan, guid, decimal); aliases such as "double" or
// "boolean" are rejected so that the schema files stay literal copies of the docs.
(function (root) {
  "use strict";

  var K = root.Kusto && root.Kusto.Language;
  if (!K) {
    throw new Error("kqlcheck_core.js: load bridge.min.js and Kusto.Language.Bridge.min.js first");
  }
  var S = K.Symbols;

  function toArray(list) {
    return list ? root.Bridge.toArray(list) : [];
  }

  function canonicalType(typeName, where) {
    var sym = typeof typeName === "string" ? S.ScalarTypes.GetSymbol(typeName) : null;
    if (!sym || sym.Name !== typeName) {
      var hint = sym ? " (write '" + sym.Name + "')" : "";
      throw new Error(where + ": unknown or non-canonical Kusto type " + JSON.stringify(typeName) + hint);
    }
    return sym;
  }

  /** Turn one CustomTables-style object into a TableSymbol. Throws on malformed input. */
  function tableFromSpec(spec, where) {
    where = where || "table";
    if (!spec || typeof spec.Name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(spec.Name)) {
      throw new Error(where + ": 'Name' must be a Kusto identifier");
    }
    if (!Array.isArray(spec.Properties) || spec.Properties.length === 0) {
      throw new Error(where + ": 'Properties' must be a non-empty array");
    }
    var seen = {};
    var columns = spec.Properties.map(function (p, i) {
      var at = where + ": " + spec.Name + ".Properties[" + i + "]";
      if (!p || typeof p.Name !== "string" || p.Name.length === 0) throw new Error(at + ": missing 'Name'");
      if (Object.prototype.hasOwnProperty.call(seen, p.Name)) {
        throw new Error(at + ": duplicate column '" + p.Name + "'");
      }
      seen[p.Name] = true;
      var type = canonicalType(p.Type, at + " (" + p.Name + ")");
      // ColumnSymbol(name, type, description, originalColumns, source, examples)
      return new S.ColumnSymbol(p.Name, type, p.Description || null, null, null, null);
    });
    // TableSymbol.$ctor6(name, columns, description)
    return new S.TableSymbol.$ctor6(spec.Name, columns, spec.Description || null);
  }

  /**
   * Build a GlobalState holding Kusto's built-in functions plus one database.
   * tables: array of CustomTables-style objects. options.database: database name
   * (default "LogAnalytics"). options.functions: optional {name: {parameters, body}}
   * stored functions, e.g. {"Recent": {"parameters": "(w:timespan)", "body": "{ T | ... }"}}.
   */
  function buildGlobals(tables, options) {
    options = options || {};
    var members = [];
    var names = {};
    (tables || []).forEach(function (spec, i) {
      var t = tableFromSpec(spec, "tables[" + i + "]");
      if (names[t.Name]) throw new Error("table '" + t.Name + "' is declared twice");
      names[t.Name] = true;
      members.push(t);
    });
    var fns = options.functions || {};
    Object.keys(fns).forEach(function (name) {
      var f = fns[name];
      // FunctionSymbol.$ctor16(name, parameterList, body, description)
      members.push(new S.FunctionSymbol.$ctor16(name, f.parameters || "()", f.body, f.description || null));
    });
    var db = new S.DatabaseSymbol.ctor(options.database || "LogAnalytics", members);
    return K.GlobalState.Default.WithDatabase(db);
  }

  function diagnosticToObject(code, d, source) {
    var line = { v: 0 };
    var col = { v: 0 };
    code.TryGetLineAndOffset(d.Start, line, col); // 1-based line and column
    return {
      severity: d.Severity, // "Error" | "Warning" | "Suggestion" | "Information"
      code: d.Code, // e.g. "KS142"
      category: d.Category,
      message: d.Message,
      start: d.Start, // 0-based offset in UTF-16 code units
      length: d.Length,
      line: line.v,
      column: col.v,
      source: source, // "compiler" | "analyzer"
    };
  }

  /**
   * Parse and bind one query.
   * opts.lint: also run Kusto's best-practice analyzers (warnings only, never fail).
   * opts.literals: also return the value of every literal, in source order.
   * opts.resultSchema: also return the result columns as [[name, type], ...]
   *   ([] when the query does not produce a table).
   * Returns {ok, diagnostics, resultSchema?}; ok is false iff any diagnostic is an Error.
   */
  function check(globals, text, opts) {
    opts = opts || {};
    var code = K.KustoCode.ParseAndAnalyze(String(text), globals);
    var diagnostics = toArray(code.GetDiagnostics()).map(function (d) {
      return diagnosticToObject(code, d, "compiler");
    });
    if (opts.lint) {
      var service = new K.Editor.KustoCodeService.ctor(code);
      toArray(service.GetAnalyzerDiagnostics(true)).forEach(function (d) {
        diagnostics.push(diagnosticToObject(code, d, "analyzer"));
      });
    }
    var out = {
      ok: !diagnostics.some(function (d) { return d.severity === "Error"; }),
      diagnostics: diagnostics,
    };
    if (opts.literals) {
      // The value Kusto gives each literal (strings unescaped), in source order.
      var literals = [];
      K.Syntax.SyntaxElement.WalkElements(code.Syntax, function (el) {
        if (el instanceof K.Syntax.LiteralExpression) {
          literals.push(el.LiteralValue === null ? null : String(el.LiteralValue));
        }
      });
      out.literals = literals;
    }
    if (opts.resultSchema) {
      var rt = code.ResultType;
      out.resultSchema = rt && rt.Columns
        ? toArray(rt.Columns).map(function (c) { return [c.Name, c.Type.Name]; })
        : [];
    }
    return out;
  }

  var api = { buildGlobals: buildGlobals, tableFromSpec: tableFromSpec, check: check };
  root.kqlcheck = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
