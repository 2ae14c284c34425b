using System.Text;
using Serverless.Cdc.Verify;
using Serverless.MySql.Client;
using Xunit.Abstractions;
using static Serverless.Cdc.IntegrationTests.EndToEnd.DuckDbLakeReader;

namespace Serverless.Cdc.IntegrationTests.EndToEnd;

/// <summary>The end state every end-to-end test asserts: verify finds no difference and no duplicate, and DuckDB reads the source's rows.</summary>
internal static class LakeChecks
{
    /// <summary>Runs <see cref="JobVerifier"/> over every table of the job (the pipeline is stopped: no re-checks) and asserts each is equal.</summary>
    public static async Task<IReadOnlyList<TableVerification>> VerifyEqualAsync(EndToEndJob job, ITestOutputHelper output)
    {
        var verifier = new JobVerifier(job.Spec, job.Lake, new VerifyOptions { Rechecks = 0 });
        var results = new List<TableVerification>();
        foreach (var table in await verifier.DiscoverAsync())
        {
            var result = await verifier.VerifyAsync(table);
            output.WriteLine(
                $"verify {result.SourceTable}: {result.SourceRows} source rows, {result.LakeRows} lake rows (version {result.LakeVersion}), " +
                $"missing {result.Missing}, extra {result.Extra}, different {result.Different}, duplicate {result.Duplicate}");
            Assert.True(result.IsEqual, $"verify found differences in {result.SourceTable}:\n{Describe(result)}");
            Assert.Equal(0, result.Duplicate);
            Assert.Equal(result.SourceRows, result.LakeRows);
            results.Add(result);
        }

        return results;
    }

    /// <summary>
    /// DuckDB's reading of the lake table (data files with deletion vectors applied) equals the source's rows, and the key
    /// (the first <paramref name="keyColumns"/> columns) is unique in it.
    /// </summary>
    public static async Task AssertDuckDbReadsTheSourceRowsAsync(
        EndToEndJob job, MySqlConnection source, string database, string table, IReadOnlyList<(string Column, Print Print)> columns, int keyColumns = 1)
    {
        var sourceRows = await SourceRowsAsync(source, database, table, columns);
        var location = job.LakeLocation(new Schema.SourceTable { Database = database, Name = table, Columns = [] });
        var folder = Path.Combine(job.Spec.Target.Root, location.RootPath);
        var lakeRows = await RowsAsync(folder, location, columns);
        var keys = lakeRows.Select(r => string.Join("|", r.Split('|').Take(keyColumns))).ToList();
        Assert.True(keys.Count == keys.Distinct(StringComparer.Ordinal).Count(), $"DuckDB reads duplicate keys in {table}: {string.Join(", ", keys.GroupBy(k => k, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).Take(10))}");
        if (!sourceRows.SequenceEqual(lakeRows, StringComparer.Ordinal))
        {
            var missing = sourceRows.Except(lakeRows, StringComparer.Ordinal).Take(10);
            var extra = lakeRows.Except(sourceRows, StringComparer.Ordinal).Take(10);
            Assert.Fail($"DuckDB reads {lakeRows.Count} rows of {table} where the source has {sourceRows.Count}; in the source only: {string.Join("; ", missing)}; in DuckDB only: {string.Join("; ", extra)}");
        }
    }

    /// <summary>The source's rows printed like <see cref="DuckDbLakeReader"/> prints the lake's.</summary>
    public static async Task<List<string>> SourceRowsAsync(MySqlConnection source, string database, string table, IReadOnlyList<(string Column, Print Print)> columns)
    {
        var select = string.Join(", ", columns.Select(c => c.Print == Print.Temporal ? $"DATE_FORMAT(`{c.Column}`, '%Y-%m-%d %H:%i:%s.%f')" : $"`{c.Column}`"));
        var rows = (await source.QueryTextRowsAsync($"SELECT {select} FROM `{database}`.`{table}`"))
            .Select(r => string.Join("|", r.Select(v => v ?? "\\N")))
            .ToList();
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static string Describe(TableVerification result)
    {
        var sb = new StringBuilder();
        foreach (var d in result.Differences.Take(20))
        {
            sb.AppendLine(d.ToString());
        }

        return sb.ToString();
    }
}
