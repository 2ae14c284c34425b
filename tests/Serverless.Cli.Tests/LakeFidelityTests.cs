using System.Globalization;
using System.Text.Json;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>
/// What readers of a replicated table see: the source's NOT NULL constraints in the Delta log (relaxed when the source
/// relaxes them), and `delta cat --format json` values that JSON readers cannot round (long and decimal as strings).
/// </summary>
public sealed class LakeFidelityTests
{
    private const string Database = "cli_it_fidelity";
    private const string MaxUInt64 = "18446744073709551615";
    private static readonly string MaxDecimal38 = new('9', 38);

    [Fact]
    public async Task NotNullColumnsAreNotNullInTheDeltaLogAndARelaxingDdlRelaxesThemOnTheNextRun()
    {
        await using var db = await SourceDatabase.CreateAsync(Database);
        using var dir = new TempDirectory("cli-fidelity");
        var (job, table) = await CreateSourceAndJobAsync(db, dir);

        var first = await CliRunner.RunAsync("run", "--snapshot-only", "--job", job, "--state", Path.Combine(dir.Path, "state-1"));
        Assert.True(first.ExitCode == 0, first.Error + first.Out);
        var created = LogSchemaNullability(table);
        Assert.False(created["id"]);
        Assert.False(created["qty"]);
        Assert.False(created["big"]);
        Assert.False(created["amount"]);
        Assert.True(created["born"], "A NOT NULL DATE holds zero dates, which types.zeroDate null maps to null.");
        Assert.True(created["note"]);
        Assert.False(created["_cdc_position"]);
        Assert.False(created["_cdc_ts"]);

        // The source relaxes qty and tightens note (its NULL becomes ''); the job runs again from a fresh state.
        await db.Admin.ExecuteAsync("ALTER TABLE things MODIFY qty INT NULL, MODIFY note VARCHAR(10) NOT NULL");
        await db.Admin.ExecuteAsync("INSERT INTO things VALUES (3, NULL, '2024-01-03', 0, 0, 'z')");
        var second = await CliRunner.RunAsync("run", "--snapshot-only", "--job", job, "--state", Path.Combine(dir.Path, "state-2"));
        Assert.True(second.ExitCode == 0, second.Error + second.Out);

        var evolved = LogSchemaNullability(table);
        Assert.True(evolved["qty"], "The relaxed source column must be nullable in the lake.");
        Assert.True(evolved["note"], "Delta cannot tighten a column, so the lake keeps it nullable.");
        Assert.False(evolved["id"]);
        var cat = await CliRunner.RunAsync("delta", "cat", table, "--columns", "id,qty,note");
        Assert.Equal(["id,qty,note", "1,5,\"\"", "2,6,x", "3,,z"], [cat.Lines("\r\n")[0], .. cat.Lines("\r\n").Skip(1).Order(StringComparer.Ordinal)]);
    }

    [Fact]
    public async Task JsonOutputHoldsUnsignedBigintDecimal38AndPositionAsStringsWithEveryDigit()
    {
        await using var db = await SourceDatabase.CreateAsync(Database);
        using var dir = new TempDirectory("cli-fidelity-json");
        var (job, table) = await CreateSourceAndJobAsync(db, dir);

        var run = await CliRunner.RunAsync("run", "--snapshot-only", "--job", job, "--state", Path.Combine(dir.Path, "state"));
        Assert.True(run.ExitCode == 0, run.Error + run.Out);

        var json = await CliRunner.RunAsync("delta", "cat", table, "--format", "json", "--columns", "id,qty,big,amount,_cdc_position");
        var csv = await CliRunner.RunAsync("delta", "cat", table, "--columns", "id,_cdc_position");

        Assert.Equal(0, json.ExitCode);
        var rows = json.Lines().Select(line => JsonDocument.Parse(line)).ToList();
        try
        {
            var first = rows.Single(r => r.RootElement.GetProperty("id").GetInt32() == 1).RootElement;
            Assert.Equal(JsonValueKind.String, first.GetProperty("big").ValueKind);
            Assert.Equal(MaxUInt64, first.GetProperty("big").GetString());
            Assert.Equal(MaxDecimal38, first.GetProperty("amount").GetString());
            Assert.Equal(JsonValueKind.Number, first.GetProperty("qty").ValueKind);
            Assert.Equal(5, first.GetProperty("qty").GetInt32());

            // The position is beyond 2^72; as a string it keeps every digit the CSV (bare digits) shows.
            var position = first.GetProperty("_cdc_position").GetString()!;
            Assert.Matches("^[0-9]{22,}$", position);
            Assert.True(UInt128.Parse(position, CultureInfo.InvariantCulture) > ((UInt128)1 << 72));
            Assert.Contains("1," + position, csv.Lines("\r\n"));
        }
        finally
        {
            rows.ForEach(r => r.Dispose());
        }
    }

    /// <summary>Creates the source table and a job spec for it; returns the spec's path and the lake table's folder.</summary>
    private static async Task<(string Job, string Table)> CreateSourceAndJobAsync(SourceDatabase db, TempDirectory dir)
    {
        // SourceDatabase's session is not strict (sql_mode ''), so zero dates go in as in the legacy schemas they come from.
        await db.Admin.ExecuteAsync(
            "CREATE TABLE things (id INT NOT NULL PRIMARY KEY, qty INT NOT NULL, born DATE NOT NULL, big BIGINT UNSIGNED NOT NULL, amount DECIMAL(38,0) NOT NULL, note VARCHAR(10) NULL)");
        await db.Admin.ExecuteAsync($"INSERT INTO things VALUES (1, 5, '2024-01-01', {MaxUInt64}, {MaxDecimal38}, NULL), (2, 6, '0000-00-00', 1, 1, 'x')");
        var lake = Path.Combine(dir.Path, "lake");
        var job = JobSpecs.WriteIncluding(dir.Path, "cli-fidelity", $"{Database}.things", lake);
        return (job, Path.Combine(lake, $"{Database}_things"));
    }

    /// <summary>Each column's <c>nullable</c> in the newest metaData of the table's log, read as plain JSON (not through our Delta library).</summary>
    private static Dictionary<string, bool> LogSchemaNullability(string table)
    {
        string? schema = null;
        foreach (var commit in Directory.GetFiles(Path.Combine(table, "_delta_log"), "*.json").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(commit).Where(l => l.Length > 0))
            {
                using var action = JsonDocument.Parse(line);
                if (action.RootElement.TryGetProperty("metaData", out var metadata))
                {
                    schema = metadata.GetProperty("schemaString").GetString();
                }
            }
        }

        using var parsed = JsonDocument.Parse(schema ?? throw new InvalidOperationException($"No metaData in the log of {table}."));
        return parsed.RootElement.GetProperty("fields").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("nullable").GetBoolean());
    }
}
