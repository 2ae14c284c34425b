using Serverless.Testing;

namespace Serverless.Cli.Tests.Verify;

/// <summary>
/// Keys other than one integer column: a composite key led by an integer (ranges on the leading column, split further
/// there) and character keys under a case-insensitive collation (ranges at sampled keys, lake rows placed by the
/// collation's weights), where a change of a key's case is a different key.
/// </summary>
public sealed class VerifyKeyShapeTests
{
    [Fact]
    public async Task CompositeKeyLedByAnIntegerReportsExactlyTheEditedKeys()
    {
        await using var db = await SourceDatabase.CreateAsync("cli_it_verify_composite");
        await db.Admin.ExecuteAsync("CREATE TABLE salaries (emp_no INT NOT NULL, from_date DATE NOT NULL, salary INT NOT NULL, PRIMARY KEY (emp_no, from_date))");
        await db.Admin.ExecuteAsync(
            "INSERT INTO salaries SELECT e.seq, '2020-01-01' + INTERVAL y.seq YEAR, e.seq * 10 + y.seq FROM seq_1_to_1200 e, seq_0_to_2 y");
        using var snapshot = await VerifyFixture.SnapshotAsync(db, "cli-verify-composite");
        var job = snapshot.Job;
        Assert.True((await VerifyFixture.VerifyAsync(job, $"{db.Name}.salaries")).IsEqual);

        await db.Admin.ExecuteAsync("UPDATE salaries SET salary = 1 WHERE emp_no = 640 AND from_date = '2021-01-01'");
        await db.Admin.ExecuteAsync("DELETE FROM salaries WHERE emp_no = 1199 AND from_date = '2022-01-01'");
        await db.Admin.ExecuteAsync("INSERT INTO salaries VALUES (640, '2023-01-01', 77)");

        var result = await VerifyFixture.VerifyAsync(job, $"{db.Name}.salaries", VerifyFixture.NoRecheck with { CompareRowsAtMost = 20 });

        Assert.Equal(
            [
                "Missing emp_no=640, from_date=2023-01-01: emp_no=640|-; from_date=2023-01-01|-; salary=77|-",
                "Extra emp_no=1199, from_date=2022-01-01: emp_no=-|1199; from_date=-|2022-01-01; salary=-|11992",
                "Different emp_no=640, from_date=2021-01-01: salary=1|6401",
            ],
            result.Differences.Select(VerifyFixture.Describe));
        Assert.Equal((3600, 3600), (result.SourceRows, result.LakeRows));
    }

    [Fact]
    public async Task CaseInsensitiveStringKeyPlacesLakeRowsByCollationAndReportsTheEditedKeys()
    {
        await using var db = await SourceDatabase.CreateAsync("cli_it_verify_strkey");

        // Mixed case and accents: byte order and the collation's order disagree, so a lake row placed by bytes would
        // land in another range than its source row.
        await db.Admin.ExecuteAsync("CREATE TABLE words (code VARCHAR(20) NOT NULL PRIMARY KEY, note VARCHAR(20), n INT) COLLATE utf8mb4_unicode_ci");
        await db.Admin.ExecuteAsync(
            "INSERT INTO words SELECT CONCAT(ELT(1 + seq % 4, 'a', 'B', 'é', 'Z'), LPAD(seq, 5, '0')), CONCAT('note ', seq), seq FROM seq_1_to_4000");
        using var snapshot = await VerifyFixture.SnapshotAsync(db, "cli-verify-strkey");
        var job = snapshot.Job;
        var equal = await VerifyFixture.VerifyAsync(job, $"{db.Name}.words");
        Assert.True(equal.IsEqual, string.Join("\n", equal.Differences.Select(VerifyFixture.Describe)));
        Assert.True(equal.Ranges >= 3, $"Sampled ranges: {equal.Ranges}");

        await db.Admin.ExecuteAsync("UPDATE words SET note = NULL WHERE code = 'é00002'");
        await db.Admin.ExecuteAsync("UPDATE words SET code = 'b00003' WHERE code = 'Z00003'");
        await db.Admin.ExecuteAsync("DELETE FROM words WHERE code = 'B03001'");
        await db.Admin.ExecuteAsync("UPDATE words SET code = 'A00004' WHERE code = 'a00004'");

        var result = await VerifyFixture.VerifyAsync(job, $"{db.Name}.words");

        Assert.Equal(
            [
                "Missing code=A00004: code=A00004|-; note=note 4|-; n=4|-",
                "Missing code=b00003: code=b00003|-; note=note 3|-; n=3|-",
                "Extra code=B03001: code=-|B03001; note=-|note 3001; n=-|3001",
                "Extra code=Z00003: code=-|Z00003; note=-|note 3; n=-|3",
                "Extra code=a00004: code=-|a00004; note=-|note 4; n=-|4",
                "Different code=é00002: note=NULL|note 2",
            ],
            result.Differences.Select(VerifyFixture.Describe));
        Assert.Equal((3999, 4000), (result.SourceRows, result.LakeRows));
    }
}
