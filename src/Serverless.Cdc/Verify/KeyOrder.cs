using System.Globalization;
using System.Text;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Serverless.Parquet;

namespace Serverless.Cdc.Verify;

/// <summary>
/// Puts lake keys and chunk bounds in the source's key order (<see cref="KeyPart"/>), so that a lake row is counted in the
/// same key range as its source row. Character key columns are ordered by their collation's weights, which the server
/// computes from literals (<c>WEIGHT_STRING</c>, no table is read); everything else is ordered here.
/// </summary>
internal sealed class KeyOrder
{
    private const int WeightsPerQuery = 200;
    private const int UnixEpochDayNumber = 719_162;
    private readonly IReadOnlyList<SourceColumn> keys;
    private readonly IReadOnlyList<string?> collations;

    private KeyOrder(IReadOnlyList<SourceColumn> keys, IReadOnlyList<string?> collations)
    {
        this.keys = keys;
        this.collations = collations;
        NeedsWeights = collations.Any(c => c is not null);
    }

    public IReadOnlyList<SourceColumn> Columns => keys;

    /// <summary>True when a key column is a character column, whose order needs the server's weights.</summary>
    public bool NeedsWeights { get; }

    /// <summary>True when the first key column is an integer: ranges can then be split arithmetically.</summary>
    public bool IsIntegerLed => KeyColumnKind.IsInteger(keys[0]);

    public static async Task<KeyOrder> CreateAsync(MySqlConnection connection, SourceTable table, CancellationToken cancellationToken)
    {
        var keys = table.KeyColumnDefinitions();
        var unsupported = keys.Where(k => k.DataType is "enum" or "set" or "time").ToList();
        if (unsupported.Count > 0)
        {
            throw new VerificationException(
                $"Table {table.QualifiedName} has key column(s) {string.Join(", ", unsupported)}: verify cannot yet order ENUM, SET or TIME keys the way the server does. " +
                $"Leave the table out of this verification (--tables), or give it another key in the job spec (\"keys\": {{\"{table.QualifiedName}\": [...]}}).");
        }

        var collations = new string?[keys.Count];
        if (keys.Any(k => KeyColumnKind.Of(k) == KeyValueKind.Text))
        {
            var rows = await connection.QueryTextRowsAsync(
                "SELECT COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " + SqlText.String(table.Database) +
                " AND TABLE_NAME = " + SqlText.String(table.Name), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < keys.Count; i++)
            {
                if (KeyColumnKind.Of(keys[i]) == KeyValueKind.Text)
                {
                    collations[i] = rows.FirstOrDefault(r => string.Equals(r[0], keys[i].Name, StringComparison.OrdinalIgnoreCase))?[1]
                        ?? throw new InvalidOperationException($"Column {keys[i].Name} of {table.QualifiedName} has no collation in information_schema; was the table changed during verification?");
                }
            }
        }

        return new KeyOrder(keys, collations);
    }

    /// <summary>The parts of a chunk bound (a leading part of the key's columns, or all of them).</summary>
    public async Task<KeyPart[]> BoundAsync(MySqlConnection connection, IReadOnlyList<KeyValue> bound, CancellationToken cancellationToken)
    {
        var parts = new KeyPart[bound.Count];
        var weights = new List<(int Column, string Literal)>();
        for (var i = 0; i < bound.Count; i++)
        {
            var v = bound[i];
            if (collations[i] is { } collation)
            {
                weights.Add((i, $"{v.ToSql()} COLLATE {collation}"));
                continue;
            }

            parts[i] = v.Kind switch
            {
                KeyValueKind.Binary => KeyPart.FromBytes(Convert.FromHexString(v.Text)),
                KeyValueKind.Temporal => Temporal(v.Text),
                _ when keys[i].DataType is "float" or "double" or "real" => KeyPart.FromReal(double.Parse(v.Text, CultureInfo.InvariantCulture)),
                _ => KeyPart.FromNumber(ParquetDecimal.Parse(v.Text).Rescale(Scale(keys[i])).Unscaled),
            };
        }

        var found = await WeightsAsync(connection, weights.Select(w => w.Literal).ToList(), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < weights.Count; i++)
        {
            parts[weights[i].Column] = KeyPart.FromBytes(found[i]);
        }

        return parts;
    }

    /// <summary>The parts of lake keys (key column values as the scan returns them), weights fetched in batches.</summary>
    public async Task<KeyPart[][]> LakeKeysAsync(MySqlConnection connection, IReadOnlyList<object?[]> keyValues, CancellationToken cancellationToken)
    {
        var result = new KeyPart[keyValues.Count][];
        var weights = new List<(int Row, int Column, string Literal)>();
        for (var r = 0; r < keyValues.Count; r++)
        {
            var values = keyValues[r];
            var parts = new KeyPart[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                var value = values[i];
                if (value is null)
                {
                    parts[i] = KeyPart.Null;
                }
                else if (collations[i] is { } collation)
                {
                    var text = value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture)!;
                    weights.Add((r, i, $"CONVERT(_utf8mb4 {SqlText.Hex(Encoding.UTF8.GetBytes(text))} USING {keys[i].CharacterSet}) COLLATE {collation}"));
                }
                else
                {
                    parts[i] = FromLake(keys[i], value);
                }
            }

            result[r] = parts;
        }

        var found = await WeightsAsync(connection, weights.Select(w => w.Literal).ToList(), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < weights.Count; i++)
        {
            result[weights[i].Row][weights[i].Column] = KeyPart.FromBytes(found[i]);
        }

        return result;
    }

    private static KeyPart FromLake(SourceColumn column, object value)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (column.DataType)
        {
            case "float" or "double" or "real":
                return KeyPart.FromReal(Convert.ToDouble(value, inv));
            case "date" or "datetime" or "timestamp":
                return KeyPart.FromNumber(value switch
                {
                    DateOnly d => (Int128)(d.DayNumber - UnixEpochDayNumber) * 86_400_000_000L,
                    DateTime t => (t.Ticks - DateTime.UnixEpoch.Ticks) / 10,
                    _ => throw new InvalidCastException($"Key column {column.Name}: expected a date or timestamp in the lake, got {value.GetType().Name}."),
                });
            case "bit":
                return KeyPart.FromNumber(value switch
                {
                    bool b => b ? 1 : 0,
                    long l => unchecked((ulong)l),
                    byte[] bytes => bytes.Aggregate((Int128)0, (n, x) => (n << 8) | x),
                    _ => Convert.ToInt64(value, inv),
                });
        }

        if (KeyColumnKind.Of(column) == KeyValueKind.Binary)
        {
            return KeyPart.FromBytes((byte[])value);
        }

        var scale = Scale(column);
        return KeyPart.FromNumber(value switch
        {
            ParquetDecimal pd => pd.Rescale(scale).Unscaled,
            decimal m => ParquetDecimal.FromDecimal(m).Rescale(scale).Unscaled,
            string s => ParquetDecimal.Parse(s).Rescale(scale).Unscaled,
            _ => new ParquetDecimal(Convert.ToInt64(value, inv), 0).Rescale(scale).Unscaled,
        });
    }

    private static int Scale(SourceColumn column) => column.DataType is "decimal" or "numeric" or "fixed" ? column.NumericScale ?? 0 : 0;

    /// <summary>A temporal bound's text (UTC session) in microseconds; a zero date sorts first, like NULL.</summary>
    private static KeyPart Temporal(string text)
    {
        if (TextValueParser.TryParseDateTime(Encoding.ASCII.GetBytes(text), out var value) && value.TryGetUnixMicroseconds(out var micros))
        {
            return KeyPart.FromNumber(micros);
        }

        return KeyPart.Null;
    }

    private static async Task<List<byte[]>> WeightsAsync(MySqlConnection connection, IReadOnlyList<string> literals, CancellationToken cancellationToken)
    {
        var weights = new List<byte[]>(literals.Count);
        for (var start = 0; start < literals.Count; start += WeightsPerQuery)
        {
            var batch = literals.Skip(start).Take(WeightsPerQuery).Select(l => $"HEX(WEIGHT_STRING({l}))");
            var rows = await connection.QueryTextRowsAsync("SELECT " + string.Join(", ", batch), cancellationToken).ConfigureAwait(false);
            weights.AddRange(rows[0].Select(h => Convert.FromHexString(h ?? string.Empty)));
        }

        return weights;
    }
}
