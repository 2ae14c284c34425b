using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.DeletionVectors;
using Serverless.Delta.Schema;

namespace Serverless.Cdc.IntegrationTests.EndToEnd;

/// <summary>
/// A lake table's current rows as DuckDB reads them: DuckDB's delta extension cannot be installed here (no network), so
/// DuckDB reads the version's Parquet files with <c>read_parquet(..., file_row_number)</c> and leaves out the rows their
/// deletion vectors mark (our decoding of each vector, handed to DuckDB as a CSV of file and row number).
/// </summary>
internal static class DuckDbLakeReader
{
    /// <summary>How a column is printed, the same way on both sides: text as is, DATETIME as <c>yyyy-MM-dd HH:mm:ss.ffffff</c>.</summary>
    public enum Print
    {
        Text,
        Temporal,
    }

    /// <summary>
    /// The rows of the table at <paramref name="tableFolder"/> (a local folder) as lines of the columns' text joined by
    /// '|' (NULL as <c>\N</c>), sorted ordinally.
    /// </summary>
    public static async Task<List<string>> RowsAsync(string tableFolder, TableLocation location, IReadOnlyList<(string Column, Print Print)> columns)
    {
        var table = await DeltaTable.OpenAsync(location);
        var snapshot = table.Snapshot;
        var files = new List<string>();
        var deleted = new StringBuilder("file,row\n");
        foreach (var add in snapshot.Files)
        {
            var path = Path.Combine(tableFolder, DeltaPath.Decode(add.Path));
            files.Add(path);
            if (add.DeletionVector is { } dv)
            {
                foreach (var row in (await DeletionVectorStore.ReadAsync(location, dv)).Values())
                {
                    deleted.Append(CsvQuote(path)).Append(',').Append(row.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        if (files.Count == 0)
        {
            return [];
        }

        var vectors = Path.Combine(Path.GetTempPath(), $"e2e-dv-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(vectors, deleted.ToString());
        try
        {
            var select = string.Join(", ", columns.Select(c => Expression(snapshot.Schema.FindField(c.Column) ?? throw new ArgumentException($"The lake table at {tableFolder} has no column {c.Column}."), c.Print)));
            var sql = $"SELECT {select} FROM read_parquet([{string.Join(", ", files.Select(DuckDb.Literal))}], filename = true, file_row_number = true) p " +
                $"ANTI JOIN read_csv({DuckDb.Literal(vectors)}, header = true, columns = {{'file': 'VARCHAR', 'row': 'BIGINT'}}) d " +
                "ON d.file = p.filename AND d.row = p.file_row_number";
            var result = await DuckDb.QueryAsync(sql);
            var rows = result.Rows.Select(r => string.Join("|", r.Select(v => v.ValueKind == JsonValueKind.Null ? "\\N" : v.GetString()))).ToList();
            rows.Sort(StringComparer.Ordinal);
            return rows;
        }
        finally
        {
            File.Delete(vectors);
        }
    }

    private static string Expression(StructField field, Print print)
    {
        var column = "p.\"" + field.PhysicalName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        return print == Print.Temporal ? $"strftime({column}, '%Y-%m-%d %H:%M:%S.%f')" : $"CAST({column} AS VARCHAR)";
    }

    private static string CsvQuote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
