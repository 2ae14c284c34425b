using Serverless.Cdc.Verify;
using Serverless.Testing;

namespace Serverless.Cli.Tests.Verify;

/// <summary>
/// `serverless verify` against a lake the snapshot job wrote: equal tables verify equal; rows updated, deleted and
/// inserted at the source afterwards are reported by key, with the values that differ on both sides, and nothing else.
/// </summary>
public sealed class VerifyDifferencesTests
{
    [Fact]
    public async Task SnapshotJustTakenVerifiesEqualAndExitsZero()
    {
        await using var db = await JobSpecs.CreateItemsDatabaseAsync("cli_it_verify_equal", 3500);
        using var snapshot = await VerifyFixture.SnapshotAsync(db, "cli-verify-equal");
        var job = snapshot.Job;

        var verify = await CliRunner.RunAsync("verify", "--job", job);

        Assert.True(verify.ExitCode == 0, verify.Error + verify.Out);
        Assert.Contains($"{db.Name}.items -> {db.Name}_items: equal (source at ", verify.Out, StringComparison.Ordinal);
        Assert.Contains("vs lake version ", verify.Out, StringComparison.Ordinal);
        Assert.Contains("3,500 source rows, 3,500 lake rows; 4 ranges, 4 checksummed, 1 pass(es))", verify.Out, StringComparison.Ordinal);
        Assert.Contains("Equal: 1 table(s) match their lake tables.", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdatedDeletedAndInsertedRowsAreReportedByKeyWithBothSidesValuesAndExitFour()
    {
        await using var db = await JobSpecs.CreateItemsDatabaseAsync("cli_it_verify_edit", 3500);
        using var snapshot = await VerifyFixture.SnapshotAsync(db, "cli-verify-edit");
        var job = snapshot.Job;
        await db.Admin.ExecuteAsync("UPDATE items SET price = 999.00 WHERE id = 1250");
        await db.Admin.ExecuteAsync("UPDATE items SET name = '' WHERE id = 2001");
        await db.Admin.ExecuteAsync("UPDATE items SET price = NULL WHERE id = 3333");
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id = 17");
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES (5000, 'new', 1.50)");

        // Ranges of ~1,000 rows compared row by row only below 50 rows: the differing ones are split and checksummed again.
        var result = await VerifyFixture.VerifyAsync(job, $"{db.Name}.items", VerifyFixture.NoRecheck with { CompareRowsAtMost = 50 });

        Assert.Equal(
            [
                "Missing id=5000: id=5000|-; name=new|-; price=1.50|-",
                "Extra id=17: id=-|17; name=-|item-17; price=-|4.25",
                "Different id=1250: price=999.00|312.50",
                "Different id=2001: name=|item-2001",
                "Different id=3333: price=NULL|833.25",
            ],
            result.Differences.Select(VerifyFixture.Describe));
        Assert.Equal((1, 1, 3, 0), (result.Missing, result.Extra, result.Different, result.Duplicate));
        Assert.Equal((3500, 3500), (result.SourceRows, result.LakeRows));
        Assert.Equal(4, result.Ranges);
        Assert.True(result.RangesChecksummed > result.Ranges + 16, $"The differing ranges were split and checksummed again: {result.RangesChecksummed} checksums for {result.Ranges} ranges.");
        Assert.NotNull(result.SourcePosition);

        var verify = await CliRunner.RunAsync("verify", "--job", job, "--rechecks", "0");
        Assert.True(verify.ExitCode == 4, verify.Error + verify.Out);
        Assert.Contains($"{db.Name}.items -> {db.Name}_items: 1 missing, 1 extra, 3 different, 0 duplicate (source at ", verify.Out, StringComparison.Ordinal);
        Assert.Contains("  missing   id=5000: id=5000, name=new, price=1.50\n", verify.Out, StringComparison.Ordinal);
        Assert.Contains("  extra     id=17: id=17, name=item-17, price=4.25\n", verify.Out, StringComparison.Ordinal);
        Assert.Contains("  different id=1250: price: source 999.00, lake 312.50\n", verify.Out, StringComparison.Ordinal);
        Assert.Contains("  different id=3333: price: source NULL, lake 833.25\n", verify.Out, StringComparison.Ordinal);
        Assert.Contains("Differences: 1 of 1 table(s) differ (5 rows).", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RangesThatStillDifferAreComparedAgainBeforeTheyAreReported()
    {
        await using var db = await JobSpecs.CreateItemsDatabaseAsync("cli_it_verify_recheck", 1200);
        using var snapshot = await VerifyFixture.SnapshotAsync(db, "cli-verify-recheck");
        var job = snapshot.Job;
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id = 1100");

        var result = await VerifyFixture.VerifyAsync(job, $"{db.Name}.items", new VerifyOptions { Rechecks = 2, RecheckDelay = TimeSpan.Zero });

        Assert.Equal(3, result.Passes);
        Assert.Equal(["Extra id=1100: id=-|1100; name=-|item-1100; price=-|275.00"], result.Differences.Select(VerifyFixture.Describe));
    }

    [Fact]
    public async Task RangeTheSourceEmptiedIsComparedRowByRowAtOnceAndEveryRowIsCountedThoughFewAreDescribed()
    {
        await using var db = await JobSpecs.CreateItemsDatabaseAsync("cli_it_verify_emptied", 3000);
        using var snapshot = await VerifyFixture.SnapshotAsync(db, "cli-verify-emptied");
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id <= 1200");

        var result = await VerifyFixture.VerifyAsync(snapshot.Job, $"{db.Name}.items", VerifyFixture.NoRecheck with { CompareRowsAtMost = 50, MaxReportedDifferences = 3 });

        Assert.Equal((0, 1200, 0), (result.Missing, result.Extra, result.Different));
        Assert.Equal(["Extra id=1: id=-|1; name=-|item-1; price=-|0.25", "Extra id=10: id=-|10; name=-|item-10; price=-|2.50", "Extra id=100: id=-|100; name=-|item-100; price=-|25.00"], result.Differences.Select(VerifyFixture.Describe));

        // The ranges (planned on the rows left) are split once; the pieces the source has no rows in (~130 lake rows
        // each, over the 50-row limit) are compared row by row at once instead of being split again.
        Assert.True(result.RangesChecksummed <= result.Ranges * 17, $"{result.RangesChecksummed} checksums for {result.Ranges} ranges.");
    }

    [Fact]
    public async Task JsonReportListsTheDifferencesAndTheComparedPositions()
    {
        await using var db = await JobSpecs.CreateItemsDatabaseAsync("cli_it_verify_json", 500);
        using var snapshot = await VerifyFixture.SnapshotAsync(db, "cli-verify-json");
        var job = snapshot.Job;
        await db.Admin.ExecuteAsync("UPDATE items SET name = 'renamed' WHERE id = 7");

        var verify = await CliRunner.RunAsync("verify", "--job", job, "--format", "json", "--rechecks", "0");

        Assert.True(verify.ExitCode == 4, verify.Error + verify.Out);
        using var report = System.Text.Json.JsonDocument.Parse(verify.Out);
        Assert.False(report.RootElement.GetProperty("equal").GetBoolean());
        var table = Assert.Single(report.RootElement.GetProperty("tables").EnumerateArray());
        Assert.Equal($"{db.Name}.items", table.GetProperty("sourceTable").GetString());
        Assert.Matches(@"^\S+\.\d+:\d+$", table.GetProperty("sourcePosition").GetString() ?? "(none)");
        Assert.True(table.GetProperty("lakeVersion").GetInt64() >= 0);
        var difference = Assert.Single(table.GetProperty("differences").EnumerateArray());
        Assert.Equal("different", difference.GetProperty("kind").GetString());
        Assert.Equal("id=7", difference.GetProperty("key").GetString());
        var column = Assert.Single(difference.GetProperty("columns").EnumerateArray());
        Assert.Equal(("name", "renamed", "item-7"), (column.GetProperty("column").GetString(), column.GetProperty("source").GetString(), column.GetProperty("lake").GetString()));
    }
}
