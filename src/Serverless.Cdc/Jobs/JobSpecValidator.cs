using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Serverless.Cdc.Jobs;

/// <summary>
/// Checks a job spec's JSON and builds the <see cref="JobSpec"/>. Every problem is collected (never only the first),
/// each naming the JSON path of the field and the fix. Unknown fields are errors too, with the closest known name,
/// so a typo does not silently fall back to a default.
/// </summary>
public static partial class JobSpecValidator
{
    private static readonly string[] RootFields = ["$schema", "name", "source", "tables", "target", "keys", "snapshot", "types", "schemaChanges", "stream"];
    private static readonly string[] SourceFields = ["host", "port", "user", "password", "tls", "tlsCaCertificate"];
    private static readonly string[] TablesFields = ["include", "exclude"];
    private static readonly string[] TargetFields = ["root", "naming", "writeMode", "softDelete"];
    private static readonly string[] NamingFields = ["prefix", "suffix", "rename"];
    private static readonly string[] SnapshotFields = ["parallelism", "chunkRows", "chunkBytes", "targetFileBytes", "estimatedBytesPerSecond"];
    private static readonly string[] TypesFields = ["zeroDate", "time", "bit"];
    private static readonly string[] StreamFields = ["partitions"];

    /// <summary>Validates <paramref name="root"/>; the spec is null exactly when there are errors.</summary>
    public static JobSpecValidationResult Validate(JsonElement root)
    {
        var errors = new List<JobSpecError>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new JobSpecError("$", $"the job spec is a JSON {Kind(root)}", "write a JSON object with 'name', 'source', 'tables' and 'target' (see docs/job-spec.md)"));
            return new JobSpecValidationResult(null, errors);
        }

        CheckFields(root, "$", RootFields, errors);
        var name = RequiredString(root, "$", "name", errors, "give the job a short name, e.g. \"shop-to-lake\"");
        if (name is not null && !JobNameRegex().IsMatch(name))
        {
            errors.Add(new JobSpecError("$.name", $"'{name}' is not a valid job name", "use 1-63 letters, digits, '-' or '_', starting with a letter or digit"));
        }

        var source = ReadSource(root, errors);
        var tables = ReadTables(root, errors);
        var target = ReadTarget(root, errors);
        var keys = ReadKeys(root, errors);
        var snapshot = ReadSnapshot(root, errors);
        var types = ReadTypes(root, errors);
        var schemaChanges = OptionalEnum(root, "$", "schemaChanges", SchemaChangeBehavior.Evolve, SchemaChangeNames, errors);
        var stream = ReadStream(root, errors);

        if (errors.Count > 0 || name is null || source is null || tables is null || target is null)
        {
            if (errors.Count == 0)
            {
                errors.Add(new JobSpecError("$", "the job spec is incomplete", "add the missing sections"));
            }

            return new JobSpecValidationResult(null, errors);
        }

        return new JobSpecValidationResult(
            new JobSpec
            {
                Name = name,
                Source = source,
                Tables = tables,
                Target = target,
                KeyOverrides = keys,
                Snapshot = snapshot,
                Types = types,
                SchemaChanges = schemaChanges,
                Stream = stream,
            },
            errors);
    }

    /// <summary>True when <paramref name="name"/> is a valid job name (what <c>$.name</c> accepts).</summary>
    public static bool IsValidJobName(string name) => JobNameRegex().IsMatch(name);

    private static SourceSpec? ReadSource(JsonElement root, List<JobSpecError> errors)
    {
        var source = RequiredObject(root, "$", "source", errors, "add \"source\": {\"host\": ..., \"user\": ..., \"password\": \"env:NAME\"}");
        if (source is not { } s)
        {
            return null;
        }

        const string at = "$.source";
        CheckFields(s, at, SourceFields, errors);
        var host = RequiredString(s, at, "host", errors, "set the server's host name or IP address");
        var port = OptionalInt(s, at, "port", 3306, 1, 65535, errors, "use the server's TCP port, 1-65535 (MySQL's default is 3306)");
        var user = RequiredString(s, at, "user", errors, "set the replication user's name");
        var password = SecretReference.None;
        if (s.TryGetProperty("password", out var p))
        {
            if (p.ValueKind != JsonValueKind.String)
            {
                errors.Add(new JobSpecError(at + ".password", $"password is a JSON {Kind(p)}", "write a string: \"env:VARIABLE\", \"file:/path/to/secret\" or the password"));
            }
            else
            {
                password = SecretReference.Parse(p.GetString()!);
                if (password.Kind != SecretKind.Literal && password.Value.Length == 0)
                {
                    errors.Add(new JobSpecError(at + ".password", $"the reference '{p.GetString()}' names nothing", "write \"env:VARIABLE\" or \"file:/path/to/secret\""));
                }
            }
        }

        var tls = OptionalEnum(s, at, "tls", SourceTlsMode.Preferred, TlsNames, errors);
        var ca = OptionalString(s, at, "tlsCaCertificate", errors);
        if (ca is not null && tls is not (SourceTlsMode.VerifyCa or SourceTlsMode.VerifyFull))
        {
            errors.Add(new JobSpecError(at + ".tlsCaCertificate", "a CA certificate is given but TLS does not verify certificates", "set \"tls\": \"verify-ca\" or \"verify-full\", or remove tlsCaCertificate"));
        }

        return host is null || user is null ? null : new SourceSpec { Host = host, Port = port, User = user, Password = password, Tls = tls, TlsCaCertificatePath = ca };
    }

    private static TableSelection? ReadTables(JsonElement root, List<JobSpecError> errors)
    {
        var tables = RequiredObject(root, "$", "tables", errors, "add \"tables\": {\"include\": [\"mydb.*\"]}");
        if (tables is not { } t)
        {
            return null;
        }

        const string at = "$.tables";
        CheckFields(t, at, TablesFields, errors);
        var include = new List<TablePattern>();
        var exclude = new List<TablePattern>();
        if (!t.TryGetProperty("include", out var inc))
        {
            errors.Add(new JobSpecError(at + ".include", "no tables are included", "list patterns over db.table, e.g. [\"shop.*\", \"!shop.tmp_*\"]"));
        }
        else
        {
            ReadPatterns(inc, at + ".include", include, exclude, errors);
            if (include.Count == 0 && inc.ValueKind == JsonValueKind.Array)
            {
                errors.Add(new JobSpecError(at + ".include", "no include pattern (only exclusions)", "add at least one pattern such as \"shop.*\""));
            }
        }

        if (t.TryGetProperty("exclude", out var exc))
        {
            var stray = new List<TablePattern>();
            ReadPatterns(exc, at + ".exclude", exclude, stray, errors);
            if (stray.Count > 0)
            {
                errors.Add(new JobSpecError(at + ".exclude", "an exclude pattern starts with '!'", "write exclude patterns without '!' (or move '!pattern' to include)"));
            }
        }

        return new TableSelection { Include = include, Exclude = exclude };
    }

    private static void ReadPatterns(JsonElement array, string at, List<TablePattern> positive, List<TablePattern> negated, List<JobSpecError> errors)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new JobSpecError(at, $"expected a list of patterns but found a JSON {Kind(array)}", "write a list such as [\"shop.*\", \"!shop.tmp_*\"]"));
            return;
        }

        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"{at}[{i++}]";
            if (item.ValueKind != JsonValueKind.String)
            {
                errors.Add(new JobSpecError(path, $"a pattern is a JSON {Kind(item)}", "write a string such as \"shop.orders\" or \"shop.*\""));
                continue;
            }

            var text = item.GetString()!;
            var negate = text.StartsWith('!');
            var pattern = TablePattern.TryParse(negate ? text[1..] : text, out var problem);
            if (pattern is null)
            {
                errors.Add(new JobSpecError(path, problem!, "write database and table separated by '.', e.g. \"shop.*\" or \"shop.order_*\""));
                continue;
            }

            (negate ? negated : positive).Add(pattern);
        }
    }

    private static TargetSpec? ReadTarget(JsonElement root, List<JobSpecError> errors)
    {
        var target = RequiredObject(root, "$", "target", errors, "add \"target\": {\"root\": \"./lake\"} (a folder or a Blob container URL)");
        if (target is not { } t)
        {
            return null;
        }

        const string at = "$.target";
        CheckFields(t, at, TargetFields, errors);
        var lakeRoot = RequiredString(t, at, "root", errors, "set a local folder (\"./lake\") or a Blob URL (\"https://account.blob.core.windows.net/container/prefix\")");
        // A connection string's BlobEndpoint (Azurite: http://127.0.0.1:10000/devstoreaccount1) is a URL inside the root, not the root.
        if (lakeRoot is not null && lakeRoot.Contains("://", StringComparison.Ordinal) && !lakeRoot.Contains("BlobEndpoint=", StringComparison.OrdinalIgnoreCase) &&
            !lakeRoot.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !lakeRoot.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new JobSpecError(at + ".root", $"'{lakeRoot}' is neither a folder nor an https Blob URL", "use a folder path, file://..., or https://<account>.blob.core.windows.net/<container>[/<prefix>]"));
        }

        var naming = new TableNaming();
        if (t.TryGetProperty("naming", out var n))
        {
            naming = ReadNaming(n, at + ".naming", errors);
        }

        var writeMode = OptionalEnum(t, at, "writeMode", WriteMode.MergeOnRead, WriteModeNames, errors);
        var softDelete = OptionalBool(t, at, "softDelete", false, errors);
        return lakeRoot is null ? null : new TargetSpec { Root = lakeRoot, Naming = naming, WriteMode = writeMode, SoftDelete = softDelete };
    }

    private static TableNaming ReadNaming(JsonElement n, string at, List<JobSpecError> errors)
    {
        if (n.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new JobSpecError(at, $"expected an object but found a JSON {Kind(n)}", "write {\"prefix\": \"\", \"suffix\": \"\", \"rename\": {\"db.table\": \"name\"}}"));
            return new TableNaming();
        }

        CheckFields(n, at, NamingFields, errors);
        var prefix = OptionalString(n, at, "prefix", errors) ?? string.Empty;
        var suffix = OptionalString(n, at, "suffix", errors) ?? string.Empty;
        foreach (var (field, value) in new[] { ("prefix", prefix), ("suffix", suffix) })
        {
            if (value.Length > 0 && !NameFragmentRegex().IsMatch(value))
            {
                errors.Add(new JobSpecError($"{at}.{field}", $"'{value}' has characters that are not allowed in lake table names", "use letters, digits, '_' and '-' only"));
            }
        }

        var rename = new Dictionary<string, string>(StringComparer.Ordinal);
        if (n.TryGetProperty("rename", out var r))
        {
            if (r.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new JobSpecError(at + ".rename", $"expected an object but found a JSON {Kind(r)}", "write {\"db.table\": \"lake_name\"}"));
            }
            else
            {
                var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var p in r.EnumerateObject())
                {
                    var path = $"{at}.rename['{p.Name}']";
                    if (TablePattern.TryParse(p.Name, out _) is null || p.Name.Contains('*', StringComparison.Ordinal) || p.Name.Contains('?', StringComparison.Ordinal))
                    {
                        errors.Add(new JobSpecError(path, $"'{p.Name}' is not an exact db.table name", "name one table as db.table (patterns are not allowed here)"));
                    }

                    if (p.Value.ValueKind != JsonValueKind.String || !LakeNameRegex().IsMatch(p.Value.GetString()!))
                    {
                        errors.Add(new JobSpecError(path, $"the new name {p.Value.GetRawText()} is not a valid lake table name", "use 1-128 letters, digits, '_' or '-', starting with a letter, digit or '_'"));
                        continue;
                    }

                    var newName = p.Value.GetString()!;
                    if (seen.TryGetValue(newName, out var other))
                    {
                        errors.Add(new JobSpecError(path, $"'{p.Name}' and '{other}' are both renamed to '{newName}'", "give each table its own lake name"));
                    }

                    seen[newName] = p.Name;
                    rename[p.Name] = newName;
                }
            }
        }

        return new TableNaming { Prefix = prefix, Suffix = suffix, Rename = rename };
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadKeys(JsonElement root, List<JobSpecError> errors)
    {
        var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!root.TryGetProperty("keys", out var k))
        {
            return keys;
        }

        if (k.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new JobSpecError("$.keys", $"expected an object but found a JSON {Kind(k)}", "write {\"db.table\": [\"column\", ...]} for tables without a primary key"));
            return keys;
        }

        foreach (var p in k.EnumerateObject())
        {
            var path = $"$.keys['{p.Name}']";
            if (TablePattern.TryParse(p.Name, out _) is null || p.Name.Contains('*', StringComparison.Ordinal) || p.Name.Contains('?', StringComparison.Ordinal))
            {
                errors.Add(new JobSpecError(path, $"'{p.Name}' is not an exact db.table name", "name one table as db.table"));
            }

            if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() == 0 ||
                p.Value.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(c.GetString())))
            {
                errors.Add(new JobSpecError(path, $"the key {p.Value.GetRawText()} is not a list of column names", "write a non-empty list of columns that identify a row, e.g. [\"order_id\", \"line_no\"]"));
                continue;
            }

            var columns = p.Value.EnumerateArray().Select(c => c.GetString()!).ToList();
            if (columns.Distinct(StringComparer.OrdinalIgnoreCase).Count() != columns.Count)
            {
                errors.Add(new JobSpecError(path, "a key column is listed twice", "list each key column once"));
            }

            keys[p.Name] = columns;
        }

        return keys;
    }

    private static SnapshotSpec ReadSnapshot(JsonElement root, List<JobSpecError> errors)
    {
        if (!root.TryGetProperty("snapshot", out var s))
        {
            return new SnapshotSpec();
        }

        const string at = "$.snapshot";
        if (s.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new JobSpecError(at, $"expected an object but found a JSON {Kind(s)}", "write {\"parallelism\": 4, \"chunkRows\": 100000}"));
            return new SnapshotSpec();
        }

        CheckFields(s, at, SnapshotFields, errors);
        var defaults = new SnapshotSpec();
        return new SnapshotSpec
        {
            Parallelism = OptionalInt(s, at, "parallelism", defaults.Parallelism, 1, 256, errors, "use 1-256 concurrent chunk reads (each holds one source connection)"),
            ChunkRows = OptionalLong(s, at, "chunkRows", defaults.ChunkRows, 1_000, 100_000_000, errors, "use 1000-100000000 rows per chunk (the default 250000 suits most tables)"),

            // A row count set on its own is the exact size it always was; sizing by bytes applies when chunkRows is left
            // to its default or chunkBytes is given too.
            ChunkBytes = OptionalLong(s, at, "chunkBytes", s.TryGetProperty("chunkRows", out _) ? 0 : defaults.ChunkBytes, 0, 1L << 34, errors, "use 0 (exactly chunkRows rows a chunk) or up to 16 GiB of row data a chunk (the default 33554432 is 32 MiB)"),
            TargetFileBytes = OptionalLong(s, at, "targetFileBytes", defaults.TargetFileBytes, 1L << 20, 1L << 34, errors, "use 1 MiB-16 GiB (128 MiB is typical)"),
            EstimatedBytesPerSecond = OptionalLong(s, at, "estimatedBytesPerSecond", defaults.EstimatedBytesPerSecond, 1024, long.MaxValue, errors, "give the expected snapshot read rate in bytes per second, at least 1024"),
        };
    }

    private static StreamSpec ReadStream(JsonElement root, List<JobSpecError> errors)
    {
        if (!root.TryGetProperty("stream", out var s))
        {
            return new StreamSpec();
        }

        const string at = "$.stream";
        if (s.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new JobSpecError(at, $"expected an object but found a JSON {Kind(s)}", "write {\"partitions\": 4}"));
            return new StreamSpec();
        }

        CheckFields(s, at, StreamFields, errors);
        return new StreamSpec
        {
            Partitions = OptionalInt(s, at, "partitions", new StreamSpec().Partitions, 1, 64, errors, "use 1-64 change-log partitions (one writer each; fixed once the job's change log exists)"),
        };
    }

    private static TypeMappingOptions ReadTypes(JsonElement root, List<JobSpecError> errors)
    {
        if (!root.TryGetProperty("types", out var t))
        {
            return new TypeMappingOptions();
        }

        const string at = "$.types";
        if (t.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new JobSpecError(at, $"expected an object but found a JSON {Kind(t)}", "write {\"zeroDate\": null, \"time\": \"string\", \"bit\": \"long\"}"));
            return new TypeMappingOptions();
        }

        CheckFields(t, at, TypesFields, errors);
        DateOnly? zeroDate = null;
        if (t.TryGetProperty("zeroDate", out var z) && z.ValueKind != JsonValueKind.Null)
        {
            if (z.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(z.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                zeroDate = d;
            }
            else
            {
                errors.Add(new JobSpecError(at + ".zeroDate", $"{z.GetRawText()} is not a date", "write null (zero dates become null) or a date such as \"1970-01-01\""));
            }
        }

        return new TypeMappingOptions
        {
            ZeroDateValue = zeroDate,
            Time = OptionalEnum(t, at, "time", TimeMapping.String, TimeNames, errors),
            MultiBit = OptionalEnum(t, at, "bit", BitMapping.Long, BitNames, errors),
        };
    }

    private static readonly (string Name, SourceTlsMode Value)[] TlsNames =
        [("disabled", SourceTlsMode.Disabled), ("preferred", SourceTlsMode.Preferred), ("required", SourceTlsMode.Required), ("verify-ca", SourceTlsMode.VerifyCa), ("verify-full", SourceTlsMode.VerifyFull)];

    private static readonly (string Name, WriteMode Value)[] WriteModeNames = [("merge-on-read", WriteMode.MergeOnRead), ("copy-on-write", WriteMode.CopyOnWrite)];

    private static readonly (string Name, TimeMapping Value)[] TimeNames = [("string", TimeMapping.String), ("microseconds", TimeMapping.Microseconds)];

    private static readonly (string Name, SchemaChangeBehavior Value)[] SchemaChangeNames =
        [("evolve", SchemaChangeBehavior.Evolve), ("lenient", SchemaChangeBehavior.Lenient), ("ignore", SchemaChangeBehavior.Ignore), ("fail", SchemaChangeBehavior.Fail)];

    private static readonly (string Name, BitMapping Value)[] BitNames = [("long", BitMapping.Long), ("binary", BitMapping.Binary)];

    private static void CheckFields(JsonElement obj, string at, string[] known, List<JobSpecError> errors)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (Array.IndexOf(known, p.Name) >= 0)
            {
                continue;
            }

            var closest = Closest(p.Name, known);
            errors.Add(new JobSpecError(
                $"{at}.{p.Name}",
                $"'{p.Name}' is not a field of {(at == "$" ? "the job" : at)}",
                closest is null ? $"remove it; known fields are {string.Join(", ", known)}" : $"did you mean '{closest}'? Known fields are {string.Join(", ", known)}"));
        }
    }

    private static string? Closest(string name, string[] known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            var d = Distance(name.ToLowerInvariant(), k.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = k;
            }
        }

        return bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static JsonElement? RequiredObject(JsonElement obj, string at, string name, List<JobSpecError> errors, string fix)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            errors.Add(new JobSpecError($"{at}.{name}", $"'{name}' is missing", fix));
            return null;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new JobSpecError($"{at}.{name}", $"expected an object but found a JSON {Kind(v)}", fix));
            return null;
        }

        return v;
    }

    private static string? RequiredString(JsonElement obj, string at, string name, List<JobSpecError> errors, string fix)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            errors.Add(new JobSpecError($"{at}.{name}", $"'{name}' is missing", fix));
            return null;
        }

        if (v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
        {
            errors.Add(new JobSpecError($"{at}.{name}", v.ValueKind == JsonValueKind.String ? "the value is empty" : $"expected a string but found a JSON {Kind(v)}", fix));
            return null;
        }

        return v.GetString();
    }

    private static string? OptionalString(JsonElement obj, string at, string name, List<JobSpecError> errors)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            errors.Add(new JobSpecError($"{at}.{name}", $"expected a string but found a JSON {Kind(v)}", $"write \"{name}\" as a quoted string"));
            return null;
        }

        return v.GetString();
    }

    private static bool OptionalBool(JsonElement obj, string at, string name, bool fallback, List<JobSpecError> errors)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return fallback;
        }

        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }

        errors.Add(new JobSpecError($"{at}.{name}", $"expected true or false but found {v.GetRawText()}", "write true or false without quotes"));
        return fallback;
    }

    private static int OptionalInt(JsonElement obj, string at, string name, int fallback, int min, int max, List<JobSpecError> errors, string fix) =>
        (int)OptionalLong(obj, at, name, fallback, min, max, errors, fix);

    private static long OptionalLong(JsonElement obj, string at, string name, long fallback, long min, long max, List<JobSpecError> errors, string fix)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return fallback;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n))
        {
            errors.Add(new JobSpecError($"{at}.{name}", $"expected a whole number but found {v.GetRawText()}", fix));
            return fallback;
        }

        if (n < min || n > max)
        {
            errors.Add(new JobSpecError($"{at}.{name}", $"{n} is out of range", fix));
            return fallback;
        }

        return n;
    }

    private static T OptionalEnum<T>(JsonElement obj, string at, string name, T fallback, (string Name, T Value)[] names, List<JobSpecError> errors)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return fallback;
        }

        if (v.ValueKind == JsonValueKind.String)
        {
            foreach (var (n, value) in names)
            {
                if (string.Equals(n, v.GetString(), StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }
        }

        errors.Add(new JobSpecError($"{at}.{name}", $"{v.GetRawText()} is not one of the allowed values", "use one of " + string.Join(", ", names.Select(x => "\"" + x.Name + "\""))));
        return fallback;
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "value",
    };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")]
    private static partial Regex JobNameRegex();

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex NameFragmentRegex();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_-]{0,127}$")]
    private static partial Regex LakeNameRegex();
}

/// <summary>The outcome of <see cref="JobSpecValidator.Validate"/>: the spec, or every error found.</summary>
public sealed record JobSpecValidationResult(JobSpec? Spec, IReadOnlyList<JobSpecError> Errors)
{
    public bool IsValid => Spec is not null && Errors.Count == 0;
}
